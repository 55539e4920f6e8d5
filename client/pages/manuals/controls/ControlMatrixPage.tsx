import { useDeferredValue, useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Center, Chip, Group, Loader, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { VirtualGrid, type GridGroup } from '../../../components/VirtualGrid.tsx';
import { useCan } from '../../../lib/session.tsx';
import { useManualId } from '../ManualLayout.tsx';
import { formatShare, liveDesign, type LiveDesign, type MatrixData } from './matrix-data.ts';
import { buildMatrixRows, type MatrixRow } from './matrix-rows.ts';
import { GROUP_COLUMNS, INITIALLY_HIDDEN, matrixColumns } from './matrix-columns.tsx';
import { MatrixEditingContext, useMatrixEditing } from './matrix-editing.ts';
import { ManualWeightsForm } from './ManualWeightsForm.tsx';
import { LINT_COLORS } from './LintFlags.tsx';
import { useMatrix } from './use-control-mutations.ts';

type GroupBy = 'none' | keyof typeof GROUP_COLUMNS;
const HELPER_COLUMNS = Object.values(GROUP_COLUMNS);

/** /manuals/:id/controls — the control matrix (RCM): every control, its weight, share and design lint. */
export function ControlMatrixPage() {
  const { t } = useTranslation();
  const manualId = useManualId();
  const canWrite = useCan('manual.write');
  const matrix = useMatrix(manualId);
  const data = matrix.data;

  const base = useMemo(() => (data ? liveDesign(data) : null), [data]);
  const { editing, draft } = useMatrixEditing(manualId, data, base, canWrite);
  // what is being typed counts at once in shares and lint; deferred so typing stays quick
  const liveDraft = useDeferredValue(draft);
  const design = useMemo(() => (data && liveDraft ? liveDesign(data, liveDraft) : base), [data, liveDraft, base]);

  const [groupBy, setGroupBy] = useState<GroupBy>('none');
  const [processId, setProcessId] = useState<string | null>(null);
  const [keyOnly, setKeyOnly] = useState(false);
  const [lintOnly, setLintOnly] = useState(false);

  const allRows = useMemo(() => (data && design ? buildMatrixRows(data, design, t) : []), [data, design, t]);
  const rows = useMemo(() => {
    const pid = processId == null ? null : Number(processId);
    if (pid == null && !keyOnly && !lintOnly) return allRows;
    return allRows.filter((r) => (pid == null || r.processIds.includes(pid)) && (!keyOnly || r.isKey) && (!lintOnly || r.lintCount > 0));
  }, [allRows, processId, keyOnly, lintOnly]);

  const columns = useMemo(() => matrixColumns(manualId), [manualId]);
  const processOptions = useMemo(() => (data?.processes ?? []).map((p) => ({ value: String(p.id), label: `${p.number} ${p.title}` })), [data]);
  const grouping = useMemo(() => (groupBy === 'none' ? [] : [GROUP_COLUMNS[groupBy]]), [groupBy]);

  if (matrix.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (matrix.isError || !data || !design) return <Alert color="red">{matrix.error?.message}</Alert>;

  const toolbar = (
    <>
      <SegmentedControl
        size="xs"
        aria-label={t('matrix.groupBy')}
        data-testid="matrix-group-by"
        value={groupBy}
        onChange={(v) => setGroupBy(v as GroupBy)}
        data={[
          { value: 'none', label: t('matrix.noGrouping') },
          { value: 'process', label: t('matrix.byProcess') },
          { value: 'unit', label: t('matrix.byUnit') },
          { value: 'subject', label: t('matrix.bySubject') },
        ]}
      />
      <Select
        size="xs"
        w={220}
        placeholder={t('matrix.allProcesses')}
        aria-label={t('matrix.process')}
        data={processOptions}
        value={processId}
        onChange={setProcessId}
        searchable
        clearable
        limit={100}
        data-testid="matrix-process-filter"
      />
      <Chip size="xs" checked={keyOnly} onChange={setKeyOnly} wrapperProps={{ 'data-testid': 'matrix-key-only' }}>
        {t('matrix.keyOnly')}
      </Chip>
      <Chip size="xs" checked={lintOnly} onChange={setLintOnly} wrapperProps={{ 'data-testid': 'matrix-lint-only' }}>
        {t('matrix.lintOnly')}
      </Chip>
    </>
  );

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="sm">
          <Title order={4}>{t('matrix.title')}</Title>
          <LintSummary design={design} manualId={manualId} />
        </Group>
        <ManualWeightsForm
          key={`${data.manual.keyWeight}:${data.manual.generalWeight}`}
          manualId={manualId}
          keyWeight={data.manual.keyWeight}
          generalWeight={data.manual.generalWeight}
          canWrite={canWrite}
        />
      </Group>
      <MatrixEditingContext.Provider value={editing}>
        <VirtualGrid
          testId="control-matrix"
          data={rows}
          columns={columns}
          getRowId={(r) => String(r.id)}
          rowTestId={(r) => `matrix-row-${r.id}`}
          toolbar={toolbar}
          grouping={grouping}
          renderGroup={(g) => <GroupLabel group={g} data={data} design={design} />}
          initiallyHidden={INITIALLY_HIDDEN}
          helperColumns={HELPER_COLUMNS}
          height="calc(100vh - 310px)"
          rowHeight={38}
        />
      </MatrixEditingContext.Provider>
    </Stack>
  );
}

/** Counts per lint level, linking to the lint list. */
function LintSummary({ design, manualId }: { design: LiveDesign; manualId: number }) {
  const { t } = useTranslation();
  const counts = { error: 0, warning: 0, info: 0 };
  for (const item of design.lint) counts[item.level]++;
  return (
    <Anchor component={Link} to={`/manuals/${manualId}/lint`} underline="never" data-testid="matrix-lint-summary">
      <Group gap={4}>
        {(['error', 'warning', 'info'] as const).map((level) => (
          <Badge key={level} size="sm" variant="light" color={LINT_COLORS[level]} tt="none" data-testid={`matrix-lint-count-${level}`}>
            {t(`lintPage.levels.${level}`)} {counts[level]}
          </Badge>
        ))}
      </Group>
    </Anchor>
  );
}

/** A group header: what the group is, how many controls, and for a process its key-weight share. */
function GroupLabel({ group, data, design }: { group: GridGroup<MatrixRow>; data: MatrixData; design: LiveDesign }) {
  const { t } = useTranslation();
  const value = String(group.value ?? '');
  let label: string = value || t('processes.unclassified');
  let extra: string | null = null;
  if (group.columnId === GROUP_COLUMNS.process) {
    const p = data.processes.find((x) => String(x.id) === value);
    label = p ? `${p.number} ${p.title}` : t('matrix.noProcess');
    const w = p ? design.weights.get(p.id) : undefined;
    if (w) extra = t('matrix.groupWeights', { total: Math.round(w.total * 10_000) / 10_000, keyShare: formatShare(w.total > 0 ? w.keyTotal / w.total : 0) });
  }
  return (
    <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
      <Text fw={600} size="sm" truncate>
        {label}
      </Text>
      <Badge size="xs" variant="light" color="gray" tt="none">
        {t('matrix.controlCount', { count: group.records.length })}
      </Badge>
      {extra && (
        <Text size="xs" c="dimmed">
          {extra}
        </Text>
      )}
    </Group>
  );
}
