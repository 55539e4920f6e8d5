import { useMemo, useState } from 'react';
import { Badge, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatBand } from '../../../shared/authority.ts';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { YesNo } from '../../components/YesNo.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { today, useInvalidateAuthority, type Matter, type Rule } from './authority-data.ts';
import { MatterForm } from './MatterForm.tsx';
import { BandEditor } from './BandEditor.tsx';

const col = gridColumnHelper<Matter>();
const NO_MATTERS: Matter[] = [];
const NO_RULES: Rule[] = [];

/** One band as a compact line: (5000, 50000] 职级 ≥ 70 · 集体决策 总经理办公会 (5). */
function BandLine({ rule }: { rule: Rule }) {
  const { t } = useTranslation();
  const approver = rule.approverPositionName
    ? t('authorityUi.matrix.positionOrAbove', { position: rule.approverPositionName })
    : t('authorityUi.matrix.rankAtLeast', { rank: rule.minLevelRank });
  return (
    <Group gap={6} wrap="nowrap" data-testid="matrix-band">
      <Badge variant="light" tt="none" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {formatBand(rule.lowerBound, rule.upperBound)}
      </Badge>
      <Text size="sm">{approver}</Text>
      {rule.mode !== 'individual' && (
        <Badge size="sm" color={rule.mode === 'collective' ? 'grape' : 'cyan'} variant="outline" tt="none">
          {t(`authority.modes.${rule.mode}`)}
          {rule.decidingBody ? ` · ${rule.decidingBody}` : ''}
          {rule.quorum ? ` (${rule.quorum})` : ''}
        </Badge>
      )}
    </Group>
  );
}

/** Matters × bands in force on a date; designers edit a matter and its bands. */
export function MatrixPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('authority.write');
  const [asOf, setAsOf] = useState(today());
  const [bandsOf, setBandsOf] = useState<Matter | null>(null);
  const matters = useQuery(trpc.authority.matters.list.queryOptions());
  const rules = useQuery(trpc.authority.rules.queryOptions(asOf ? { asOf } : {})).data ?? NO_RULES;
  const invalidate = useInvalidateAuthority();
  const remove = useMutation(
    trpc.authority.matters.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess('common.deleted');
      },
      onError: notifyError,
    }),
  );
  const bandsByMatter = useMemo(() => {
    const map = new Map<number, Rule[]>();
    for (const r of rules) (map.get(r.matterId) ?? map.set(r.matterId, []).get(r.matterId)!).push(r);
    return map;
  }, [rules]);

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('code', { header: 'authorityUi.matters.code' }),
        col.accessor('name', { header: 'authorityUi.matters.name' }),
        col.accessor((m) => t(`authority.units.${m.unit}`), { id: 'unit', header: 'authorityUi.matters.unit' }),
        col.accessor('nonDelegable', { header: 'authorityUi.matters.nonDelegable', cell: (i) => <YesNo value={i.getValue()} /> }),
        col.accessor('splitWindowDays', { header: 'authorityUi.matters.splitWindowDays' }),
        col.display({
          id: 'bands',
          header: () => t('authorityUi.matters.bands', { date: asOf }),
          cell: ({ row }) => {
            const bands = bandsByMatter.get(row.original.id) ?? [];
            return bands.length ? (
              <Stack gap={4}>
                {bands.map((b) => (
                  <BandLine key={b.id} rule={b} />
                ))}
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                {t('authorityUi.matters.noBands')}
              </Text>
            );
          },
        }),
        col.accessor('recordCount', { header: 'authorityUi.matters.recordCount' }),
      ]),
    [t, asOf, bandsByMatter],
  );

  return (
    <div>
      <CrudGrid
        testId="matrix-grid"
        data={matters.data ?? NO_MATTERS}
        columns={columns}
        getRowId={(m) => String(m.id)}
        loading={matters.isPending}
        canWrite={canWrite}
        rowName={(m) => m.name}
        onDelete={(m) => remove.mutate({ id: m.id })}
        rowExtras={(m) => (
          <Button size="compact-xs" variant="light" color="grape" onClick={() => setBandsOf(m)} data-testid={`edit-bands-${m.code}`}>
            {t('authorityUi.matters.editBands')}
          </Button>
        )}
        form={({ row, onClose }) => <MatterForm matter={row} onClose={onClose} />}
        toolbar={
          <TextInput type="date" aria-label={t('authorityUi.matrix.asOf')} leftSection={<Text size="xs">{t('authorityUi.matrix.asOf')}</Text>} leftSectionWidth={70} value={asOf} onChange={(e) => setAsOf(e.currentTarget.value)} data-testid="matrix-as-of" />
        }
      />
      {bandsOf && <BandEditor matter={bandsOf} current={bandsByMatter.get(bandsOf.id) ?? []} onClose={() => setBandsOf(null)} />}
    </div>
  );
}
