import { useMemo, useState } from 'react';
import { Badge, Button, Group, MultiSelect, Select, Text, TextInput } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { describeViolation, VIOLATION_KINDS, type ViolationKind } from '../../../shared/authority.ts';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useAuthorityLookups, type Violation } from './authority-data.ts';

const col = gridColumnHelper<Violation>();
const PAGE_SIZE = 200;

/** A violation in words in the current language (names delegator and delegate when a delegation was used). */
export function useDescribeViolation() {
  const { t } = useTranslation();
  return (v: Violation) => describeViolation(v, (key, params) => t(key, params ?? {}) as string);
}

interface Filter {
  kinds?: ViolationKind[];
  matterId?: number;
  personId?: number;
  from?: string;
  to?: string;
}

function combinePages(pages: { data?: { rows: Violation[]; total: number; counts: Partial<Record<ViolationKind, number>> }; isPending: boolean }[]) {
  return {
    rows: pages.flatMap((p) => p.data?.rows ?? []),
    total: pages[0]?.data?.total ?? 0,
    counts: pages[0]?.data?.counts ?? {},
    loading: pages.some((p) => p.isPending),
  };
}

/** Every approval record checked against the rules, assignments and delegations of its date. */
export function ViolationsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const describe = useDescribeViolation();
  const { matterOptions, personOptions } = useAuthorityLookups();
  const [draft, setDraft] = useState({ kinds: [] as string[], matterId: null as string | null, personId: null as string | null, from: '', to: '' });
  const [filter, setFilter] = useState<Filter>({});
  const [pages, setPages] = useState(1);
  const { rows, total, counts, loading } = useQueries({
    queries: Array.from({ length: pages }, (_, i) => trpc.authority.check.queryOptions({ ...filter, offset: i * PAGE_SIZE, limit: PAGE_SIZE })),
    combine: combinePages,
  });
  const apply = (d: typeof draft) => {
    setFilter({
      ...(d.kinds.length ? { kinds: d.kinds as ViolationKind[] } : {}),
      ...(d.matterId ? { matterId: Number(d.matterId) } : {}),
      ...(d.personId ? { personId: Number(d.personId) } : {}),
      ...(d.from ? { from: d.from } : {}),
      ...(d.to ? { to: d.to } : {}),
    });
    setPages(1);
  };
  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('approvedOn', { header: 'authorityUi.violations.date' }),
        col.accessor('referenceNo', { header: 'authorityUi.violations.referenceNo' }),
        col.accessor('matterName', { header: 'authorityUi.violations.matter' }),
        col.accessor((v) => t(`authority.violationKinds.${v.kind}`), {
          id: 'kind',
          header: 'authorityUi.violations.kind',
          cell: (i) => (
            <Badge size="sm" color="red" variant="light" tt="none" data-testid="violation-kind">
              {i.getValue()}
            </Badge>
          ),
        }),
        col.accessor((v) => describe(v), { id: 'description', header: 'authorityUi.violations.description', cell: (i) => <Text size="sm">{i.getValue()}</Text> }),
        col.accessor('approverName', { header: 'authorityUi.violations.approver' }),
        col.accessor('delegatorName', { header: 'authorityUi.violations.delegator' }),
        col.accessor('delegateName', { header: 'authorityUi.violations.delegate' }),
      ]),
    [t, describe],
  );
  return (
    <div>
      <Group align="flex-end" gap="sm" mb="sm" wrap="wrap" data-testid="violation-filters">
        <MultiSelect
          label={t('authorityUi.violations.kind')}
          data={VIOLATION_KINDS.map((k) => ({ value: k, label: t(`authority.violationKinds.${k}`) }))}
          value={draft.kinds}
          onChange={(kinds) => setDraft((d) => ({ ...d, kinds }))}
          clearable
          w={280}
          data-testid="violation-kinds"
        />
        <Select label={t('authorityUi.violations.matter')} data={matterOptions} value={draft.matterId} onChange={(matterId) => setDraft((d) => ({ ...d, matterId }))} clearable w={180} />
        <Select label={t('authorityUi.violations.person')} data={personOptions} value={draft.personId} onChange={(personId) => setDraft((d) => ({ ...d, personId }))} searchable clearable w={180} />
        <TextInput type="date" label={t('authorityUi.violations.from')} value={draft.from} onChange={(e) => setDraft((d) => ({ ...d, from: e.currentTarget.value }))} />
        <TextInput type="date" label={t('authorityUi.violations.to')} value={draft.to} onChange={(e) => setDraft((d) => ({ ...d, to: e.currentTarget.value }))} />
        <Button onClick={() => apply(draft)} data-testid="violation-apply">
          {t('authorityUi.violations.apply')}
        </Button>
        <Button
          variant="default"
          onClick={() => {
            const empty = { kinds: [], matterId: null, personId: null, from: '', to: '' };
            setDraft(empty);
            apply(empty);
          }}
        >
          {t('authorityUi.violations.clear')}
        </Button>
      </Group>
      <Group gap={6} mb="sm" data-testid="violation-counts">
        <Text size="sm" fw={600}>
          {t('authorityUi.violations.total', { count: total })}
        </Text>
        {VIOLATION_KINDS.filter((k) => counts[k]).map((k) => (
          <Badge
            key={k}
            variant={filter.kinds?.includes(k) ? 'filled' : 'light'}
            color="red"
            tt="none"
            style={{ cursor: 'pointer' }}
            onClick={() => {
              const next = { ...draft, kinds: [k] };
              setDraft(next);
              apply(next);
            }}
            data-testid={`violation-count-${k}`}
          >
            {t(`authority.violationKinds.${k}`)} {counts[k]}
          </Badge>
        ))}
      </Group>
      <DataGrid
        testId="violations-grid"
        data={rows}
        columns={columns}
        getRowId={(v) => `${v.recordId}-${v.kind}-${v.basis ?? ''}`}
        loading={loading}
        footer={
          rows.length < total && (
            <Button variant="default" size="xs" onClick={() => setPages((p) => p + 1)} data-testid="load-more">
              {t('common.loadMore')}
            </Button>
          )
        }
      />
    </div>
  );
}
