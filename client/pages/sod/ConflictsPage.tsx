import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, MultiSelect, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useDuties } from '../../lib/duty-names.ts';
import { flattenUnits, unitOptions } from '../org/unit-tree.ts';
import { RISK_LEVELS, type ConflictStatus, type RiskLevel } from '../../../shared/sod.ts';
import { DutyMatrix } from './DutyMatrix.tsx';
import { MitigationForm } from './MitigationForm.tsx';
import { ConflictStatusBadge } from './ConflictStatusBadge.tsx';
import { conflictPair, conflictSubject, periodText } from './conflict-text.ts';
import { Nowrap, RISK_COLORS } from './use-sod.tsx';
import type { SodConflict } from './sod-types.ts';

const col = gridColumnHelper<SodConflict>();
const NO_CONFLICTS: SodConflict[] = [];
const KIND_FILTERS = ['design', 'people', 'control'] as const;
type KindFilter = (typeof KIND_FILTERS)[number];

/** The SoD matrix over the conflict list: filters, a click on a matrix cell, mitigation. */
export function ConflictsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('sod.write');
  const { nameOf } = useDuties();
  const [kind, setKind] = useState<KindFilter | null>(null);
  const [risks, setRisks] = useState<RiskLevel[]>([]);
  const [status, setStatus] = useState<ConflictStatus | null>(null);
  const [unitId, setUnitId] = useState<string | null>(null);
  const [personId, setPersonId] = useState<string | null>(null);
  const [asOf, setAsOf] = useState('');
  const [cell, setCell] = useState<{ pair: string; duties: [string, string] } | null>(null);
  const [mitigating, setMitigating] = useState<SodConflict | null>(null);

  const date = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : undefined;
  const filter = {
    kind: kind ?? undefined,
    risks: risks.length ? risks : undefined,
    status: status ?? undefined,
    unitId: unitId ? Number(unitId) : undefined,
    personId: personId ? Number(personId) : undefined,
    duties: cell?.duties,
    asOf: date,
  };
  const check = useQuery({ ...trpc.sod.check.queryOptions(filter), placeholderData: keepPreviousData });
  const matrix = useQuery(trpc.sod.matrix.queryOptions({ asOf: date }));
  const units = useQuery(trpc.org.units.list.queryOptions()).data;
  const people = useQuery(trpc.org.people.list.queryOptions()).data;
  const conflicts = check.data?.conflicts ?? NO_CONFLICTS;
  const openCount = conflicts.filter((c) => c.status === 'open').length;

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor((c) => t(`sod.risks.${c.risk}`), {
          id: 'risk',
          header: 'sodPage.columns.risk',
          sortFn: (a, b) => RISK_LEVELS.indexOf(a.original.risk) - RISK_LEVELS.indexOf(b.original.risk),
          cell: ({ row }) => (
            <Badge miw="max-content" color={RISK_COLORS[row.original.risk]} variant="light">
              {t(`sod.risks.${row.original.risk}`)}
            </Badge>
          ),
        }),
        col.accessor((c) => t(`sod.conflictKinds.${c.kind}`), { id: 'kind', header: 'sodPage.columns.kind' }),
        col.accessor((c) => c.ruleCode ?? '—', { id: 'rule', header: 'sodPage.columns.rule', cell: ({ getValue }) => <Nowrap>{getValue()}</Nowrap> }),
        col.accessor((c) => conflictPair(c, nameOf), { id: 'pair', header: 'sodPage.columns.pair' }),
        col.accessor((c) => conflictSubject(c, t, nameOf), {
          id: 'subject',
          header: 'sodPage.columns.subject',
          cell: ({ row, getValue }) =>
            row.original.personId != null ? (
              <Link to={`/sod/people/${row.original.personId}`} data-testid="conflict-person-link">
                {getValue()}
              </Link>
            ) : (
              getValue()
            ),
        }),
        col.accessor((c) => periodText(c.from, c.to, t('sodPage.openEnded')), {
          id: 'period',
          header: 'sodPage.columns.period',
          cell: ({ getValue }) => <Nowrap>{getValue()}</Nowrap>,
        }),
        col.accessor((c) => t(`sod.statuses.${c.status}`), {
          id: 'status',
          header: 'sodPage.columns.status',
          cell: ({ row }) => <ConflictStatusBadge conflict={row.original} />,
        }),
        ...(canWrite
          ? [
              col.display({
                id: 'actions',
                header: 'common.actions',
                cell: ({ row }) =>
                  row.original.status === 'open' ? (
                    <Button size="compact-xs" variant="light" color="orange" onClick={() => setMitigating(row.original)} data-testid="conflict-mitigate">
                      {t('sodPage.mitigate')}
                    </Button>
                  ) : null,
              }),
            ]
          : []),
      ]),
    [t, nameOf, canWrite],
  );

  const clear = () => {
    setKind(null);
    setRisks([]);
    setStatus(null);
    setUnitId(null);
    setPersonId(null);
    setCell(null);
  };

  return (
    <Stack gap="md">
      <div>
        <Title order={4} mb="xs">
          {t('sodPage.matrix.title')}
        </Title>
        {matrix.data && (
          <DutyMatrix
            matrix={matrix.data}
            nameOf={nameOf}
            selected={cell?.pair ?? null}
            onSelect={(pair, duties) => setCell(pair && duties ? { pair, duties } : null)}
          />
        )}
      </div>
      <div>
        <Group justify="space-between" mb="xs">
          <Title order={4}>{t('sodPage.listTitle')}</Title>
          <Text size="sm" c="dimmed" data-testid="sod-summary">
            {t('sodPage.summary', { open: openCount, mitigated: conflicts.length - openCount })}
          </Text>
        </Group>
        {cell && (
          <Alert variant="light" mb="xs" withCloseButton onClose={() => setCell(null)} closeButtonLabel={t('sodPage.matrix.clearCell')} data-testid="sod-cell-filter">
            {t('sodPage.matrix.cellFilter', { a: nameOf(cell.duties[0]), b: nameOf(cell.duties[1]) })}
          </Alert>
        )}
        {check.error && (
          <Alert color="red" mb="xs">
            {check.error.message}
          </Alert>
        )}
        <DataGrid
          testId="sod-conflicts-grid"
          data={conflicts}
          columns={columns}
          getRowId={(c) => `${c.key}@${c.from ?? ''}`}
          loading={check.isPending}
          toolbar={
            <>
              <Select
                placeholder={t('sodPage.filters.kind')}
                aria-label={t('sodPage.filters.kind')}
                data={KIND_FILTERS.map((k) => ({ value: k, label: t(`sodPage.filters.kinds.${k}`) }))}
                value={kind}
                onChange={(v) => setKind(v as KindFilter | null)}
                clearable
                w={150}
                data-testid="sod-filter-kind"
              />
              <MultiSelect
                placeholder={risks.length ? undefined : t('sodPage.filters.risk')}
                aria-label={t('sodPage.filters.risk')}
                data={RISK_LEVELS.map((r) => ({ value: r, label: t(`sod.risks.${r}`) }))}
                value={risks}
                onChange={(v) => setRisks(v as RiskLevel[])}
                clearable
                w={190}
                data-testid="sod-filter-risk"
              />
              <Select
                placeholder={t('sodPage.filters.status')}
                aria-label={t('sodPage.filters.status')}
                data={(['open', 'mitigated'] as const).map((s) => ({ value: s, label: t(`sod.statuses.${s}`) }))}
                value={status}
                onChange={(v) => setStatus(v as ConflictStatus | null)}
                clearable
                w={120}
                data-testid="sod-filter-status"
              />
              <Select
                placeholder={t('sodPage.filters.unit')}
                aria-label={t('sodPage.filters.unit')}
                data={unitOptions(flattenUnits(units ?? []))}
                value={unitId}
                onChange={setUnitId}
                clearable
                searchable
                w={200}
                data-testid="sod-filter-unit"
              />
              <Select
                placeholder={t('sodPage.filters.person')}
                aria-label={t('sodPage.filters.person')}
                data={(people ?? []).map((p) => ({ value: String(p.id), label: `${p.employeeNo} ${p.name}` }))}
                value={personId}
                onChange={setPersonId}
                clearable
                searchable
                w={170}
                data-testid="sod-filter-person"
              />
              <TextInput
                type="date"
                aria-label={t('sodPage.filters.asOf')}
                title={t('sodPage.filters.asOfHint')}
                value={asOf}
                onChange={(e) => setAsOf(e.currentTarget.value)}
                w={150}
                data-testid="sod-filter-asof"
              />
              <Button variant="subtle" onClick={clear}>
                {t('sodPage.filters.clear')}
              </Button>
            </>
          }
        />
      </div>
      {mitigating && <MitigationForm conflict={mitigating} nameOf={nameOf} onClose={() => setMitigating(null)} />}
    </Stack>
  );
}
