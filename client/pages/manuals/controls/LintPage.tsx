import { useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Center, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LINT_CODES, type LintLevel } from '../../../../shared/control-lint.ts';
import { gridColumnHelper } from '../../../components/DataGrid.tsx';
import { VirtualGrid, type GridGroup } from '../../../components/VirtualGrid.tsx';
import { useManualId } from '../ManualLayout.tsx';
import { liveDesign } from './matrix-data.ts';
import { LINT_COLORS, lintMessage } from './LintFlags.tsx';
import { useMatrix } from './use-control-mutations.ts';
import { useDuties } from '../../../lib/duty-names.ts';

interface LintRow {
  key: string;
  level: LintLevel;
  levelRank: number;
  code: string;
  message: string;
  nodeId: number | null;
  number: string;
  title: string;
  process: string;
}

const LEVELS: LintLevel[] = ['error', 'warning', 'info'];
const col = gridColumnHelper<LintRow>();

/** /manuals/:id/lint — every design-lint finding of the manual by level, each opening its node. */
export function LintPage() {
  const { t } = useTranslation();
  const manualId = useManualId();
  const matrix = useMatrix(manualId);
  const { nameOf } = useDuties();
  const [code, setCode] = useState<string | null>(null);

  const rows = useMemo<LintRow[]>(() => {
    const data = matrix.data;
    if (!data) return [];
    const nodes = new Map<number, { number: string; title: string }>();
    for (const p of data.processes) nodes.set(p.id, p);
    for (const c of data.controls) nodes.set(c.id, c);
    const out = liveDesign(data).lint.map((item, i): LintRow => {
      const node = item.nodeId == null ? undefined : nodes.get(item.nodeId);
      const process = item.processId == null || item.processId === item.nodeId ? undefined : nodes.get(item.processId);
      return {
        key: String(i),
        level: item.level,
        levelRank: LEVELS.indexOf(item.level),
        code: item.code,
        message: lintMessage(t, item, nameOf),
        nodeId: item.nodeId,
        number: node?.number ?? '',
        title: node?.title ?? t('lintPage.manualSettings'),
        process: process ? `${process.number} ${process.title}` : '',
      };
    });
    // errors first; within a level, document order (the lint lists processes, then controls)
    return out.sort((a, b) => a.levelRank - b.levelRank);
  }, [matrix.data, t, nameOf]);
  const shown = useMemo(() => (code ? rows.filter((r) => r.code === code) : rows), [rows, code]);

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('level', { header: 'lintPage.level', enableHiding: false }),
        col.accessor('number', { header: 'outline.number', size: 100, sortFn: 'alphanumeric' }),
        col.accessor('title', {
          header: 'outline.titleLabel',
          size: 300,
          cell: (info) => {
            const r = info.row.original;
            const to = r.nodeId == null ? `/manuals/${manualId}/controls` : `/manuals/${manualId}?node=${r.nodeId}`;
            return (
              <Anchor component={Link} to={to} size="sm" title={r.title} data-testid={`lint-link-${r.nodeId ?? 'manual'}`}>
                {r.title}
              </Anchor>
            );
          },
        }),
        col.accessor('message', { header: 'lintPage.message', size: 480, cell: (info) => <span title={info.getValue()}>{info.getValue()}</span> }),
        col.accessor('process', { header: 'matrix.process', size: 220 }),
      ]),
    [manualId],
  );

  if (matrix.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (matrix.isError) return <Alert color="red">{matrix.error.message}</Alert>;

  const counts = Object.fromEntries(LEVELS.map((l) => [l, rows.filter((r) => r.level === l).length]));
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <Title order={4}>{t('lintPage.title')}</Title>
        {LEVELS.map((l) => (
          <Badge key={l} variant="light" color={LINT_COLORS[l]} tt="none" data-testid={`lint-count-${l}`}>
            {t(`lintPage.levels.${l}`)} {counts[l]}
          </Badge>
        ))}
      </Group>
      <Text size="sm" c="dimmed">
        {t('lintPage.hint')}
      </Text>
      {rows.length === 0 ? (
        <Alert color="teal" data-testid="lint-clean">
          {t('lintPage.clean')}
        </Alert>
      ) : (
        <VirtualGrid
          testId="lint-grid"
          data={shown}
          columns={columns}
          getRowId={(r) => r.key}
          rowTestId={(r) => `lint-row-${r.code}`}
          grouping={['level']}
          helperColumns={['level']}
          renderGroup={(g) => <LevelLabel group={g} />}
          height="calc(100vh - 300px)"
          toolbar={
            <Select
              size="xs"
              w={260}
              placeholder={t('lintPage.allCodes')}
              aria-label={t('lintPage.code')}
              data={LINT_CODES.map((c) => ({ value: c, label: t(`lintPage.codes.${c}`) }))}
              value={code}
              onChange={setCode}
              clearable
              data-testid="lint-code-filter"
            />
          }
        />
      )}
    </Stack>
  );
}

function LevelLabel({ group }: { group: GridGroup<LintRow> }) {
  const { t } = useTranslation();
  const level = group.value as LintLevel;
  return (
    <Group gap="xs">
      <Badge color={LINT_COLORS[level]} variant="filled" tt="none">
        {t(`lintPage.levels.${level}`)}
      </Badge>
      <Text size="sm" c="dimmed">
        {t('common.rowCount', { count: group.records.length })}
      </Text>
    </Group>
  );
}
