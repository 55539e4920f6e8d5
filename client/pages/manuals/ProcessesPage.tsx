import { useMemo, useState } from 'react';
import { Anchor, Badge, Card, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { useTRPC, type RouterOutputs } from '../../lib/trpc.ts';
import type { Unit } from '../../lib/org-types.ts';
import { useManualId } from './ManualLayout.tsx';
import { StatusBadge } from './OutlineRow.tsx';
import { joinList } from '../../lib/punct.ts';

type Process = RouterOutputs['manual']['processes'][number];
type GroupBy = 'subject' | 'businessType' | 'unit';
interface GroupedRow extends Process {
  group: string;
  /** sorts the unclassified group last */
  groupSort: string;
  rowKey: string;
}
const NO_PROCESSES: Process[] = [];
const NO_UNITS: Unit[] = [];
const UNCLASSIFIED = '\uffff';

const gcol = gridColumnHelper<GroupedRow>();
const pcol = gridColumnHelper<Process>();

/** /manuals/:id/processes — processes by accounting subject, business type or owner unit; pending-design gaps. */
export function ProcessesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const manualId = useManualId();
  const [groupBy, setGroupBy] = useState<GroupBy>('subject');
  const processes = useQuery(trpc.manual.processes.queryOptions({ manualId }));
  const units = useQuery(trpc.org.units.list.queryOptions()).data ?? NO_UNITS;
  const list = processes.data ?? NO_PROCESSES;

  const rows = useMemo(() => {
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const keysOf = (p: Process): string[] =>
      groupBy === 'subject'
        ? p.designSubjects
        : groupBy === 'businessType'
          ? p.designBusinessTypes
          : p.ownerUnitId == null
            ? []
            : [unitName.get(p.ownerUnitId) ?? `#${p.ownerUnitId}`];
    const out: GroupedRow[] = [];
    for (const p of list) {
      const keys = keysOf(p);
      if (keys.length === 0) out.push({ ...p, group: t('processes.unclassified'), groupSort: UNCLASSIFIED, rowKey: `${p.id}:-` });
      for (const k of new Set(keys)) out.push({ ...p, group: k, groupSort: k, rowKey: `${p.id}:${k}` });
    }
    // stable sort keeps document order inside each group
    return out.sort((a, b) => (a.groupSort === b.groupSort ? 0 : a.groupSort.localeCompare(b.groupSort, 'zh')));
  }, [list, units, groupBy, t]);

  const groups = useMemo(() => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.group, (counts.get(r.group) ?? 0) + 1);
    return [...counts.entries()];
  }, [rows]);

  const link = (p: Process) => (
    <Anchor component={Link} to={`/manuals/${manualId}?node=${p.id}`} size="sm">
      {p.title}
    </Anchor>
  );
  const columns = useMemo(
    () =>
      gcol.columns([
        gcol.accessor('group', { header: 'processes.group', cell: (info) => <b>{info.getValue()}</b> }),
        gcol.accessor('number', { header: 'outline.number', enableSorting: false }),
        gcol.accessor('title', { header: 'outline.titleLabel', cell: (info) => link(info.row.original) }),
        gcol.accessor('status', { header: 'outline.status', cell: (info) => <StatusBadge status={info.getValue()} /> }),
      ]),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- link() is new each render and reads only manualId
    [manualId],
  );
  const pendingColumns = useMemo(
    () =>
      pcol.columns([
        pcol.accessor('number', { header: 'outline.number' }),
        pcol.accessor('title', { header: 'outline.titleLabel', cell: (info) => link(info.row.original) }),
        pcol.accessor('designBusinessTypes', { header: 'outline.designBusinessTypes', cell: (info) => joinList(t, info.getValue()) }),
      ]),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- link() is new each render and reads only manualId
    [manualId],
  );
  const pending = useMemo(() => list.filter((p) => p.status === 'pending_design'), [list]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={4}>{t('processes.title')}</Title>
        <SegmentedControl
          aria-label={t('processes.groupBy')}
          data-testid="processes-group-by"
          value={groupBy}
          onChange={(v) => setGroupBy(v as GroupBy)}
          data={[
            { value: 'subject', label: t('processes.bySubject') },
            { value: 'businessType', label: t('processes.byBusinessType') },
            { value: 'unit', label: t('processes.byUnit') },
          ]}
        />
      </Group>
      <Group gap="xs" data-testid="process-groups">
        {groups.map(([g, n]) => (
          <Badge key={g} variant="light" tt="none" color={g === t('processes.unclassified') ? 'gray' : 'indigo'}>
            {g} · {n}
          </Badge>
        ))}
      </Group>
      <DataGrid testId="processes-grid" data={rows} columns={columns} getRowId={(r) => r.rowKey} loading={processes.isPending} />
      <Card withBorder>
        <Title order={5}>{t('processes.pendingTitle')}</Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('processes.pendingHint')}
        </Text>
        <DataGrid testId="pending-grid" data={pending} columns={pendingColumns} getRowId={(p) => String(p.id)} loading={processes.isPending} />
      </Card>
    </Stack>
  );
}
