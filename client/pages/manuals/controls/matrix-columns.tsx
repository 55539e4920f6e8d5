import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { gridColumnHelper } from '../../../components/DataGrid.tsx';
import { formatShare } from './matrix-data.ts';
import type { MatrixRow } from './matrix-rows.ts';
import { KeyCell, WeightCell } from './WeightCell.tsx';
import { LintBadges } from './LintFlags.tsx';

const col = gridColumnHelper<MatrixRow>();

/** Columns hidden until the column chooser shows them. */
export const INITIALLY_HIDDEN = ['unit', 'objective', 'risk', 'nature', 'automation', 'element', 'scoringMethod', 'inspectionCount'];
/** Grouping keys: never shown. */
export const GROUP_COLUMNS = { process: 'processGroup', unit: 'unitGroup', subject: 'subjectGroup' } as const;

function ShareCell({ row }: { row: MatrixRow }) {
  const text = <span data-testid={`matrix-share-${row.id}`}>{formatShare(row.share)}</span>;
  if (!row.shared) return text;
  return (
    <Group gap={4} wrap="nowrap">
      <SharedBadge row={row} />
      {text}
    </Group>
  );
}

/** "shared", with the control's share in each of its processes as the tooltip. */
function SharedBadge({ row }: { row: MatrixRow }) {
  const { t } = useTranslation();
  return (
    <Tooltip
      withinPortal
      multiline
      w={340}
      label={
        <Stack gap={2}>
          <Text size="xs">{t('matrix.sharedHint')}</Text>
          {row.shares.map((s) => (
            <Text key={s.processId} size="xs">
              {s.label}: {formatShare(s.share)}
            </Text>
          ))}
        </Stack>
      }
    >
      <Badge size="xs" variant="outline" color="grape" tt="none" data-testid={`matrix-shared-${row.id}`}>
        {t('matrix.sharedBadge')}
      </Badge>
    </Tooltip>
  );
}

/** The title, linking to the node in the outline (a plain link: one per row on screen). */
function TitleLink({ manualId, row }: { manualId: number; row: MatrixRow }) {
  return (
    <Link
      to={`/manuals/${manualId}?node=${row.id}`}
      title={row.title}
      data-testid={`matrix-title-${row.id}`}
      style={{ color: 'var(--mantine-color-anchor)', textDecoration: 'none' }}
    >
      {row.title}
    </Link>
  );
}

/** The control matrix's columns; `manualId` makes the title a link to the node in the outline. */
export function matrixColumns(manualId: number) {
  return col.columns([
    col.accessor('number', { header: 'outline.number', size: 90, sortFn: 'alphanumeric' }),
    col.accessor('processLabel', { header: 'matrix.process', size: 180, cell: (info) => <span title={info.getValue()}>{info.getValue()}</span> }),
    col.accessor('stepLabel', { header: 'matrix.step', size: 150, cell: (info) => <span title={info.getValue()}>{info.getValue()}</span> }),
    col.accessor('title', {
      header: 'outline.titleLabel',
      size: 260,
      cell: (info) => <TitleLink manualId={manualId} row={info.row.original} />,
    }),
    col.accessor('isKey', { header: 'matrix.level', size: 130, sortFn: 'basic', enableGlobalFilter: false, cell: (info) => <KeyCell row={info.row.original} /> }),
    col.accessor('weight', { header: 'matrix.weight', size: 110, sortFn: 'basic', enableGlobalFilter: false, cell: (info) => <WeightCell row={info.row.original} /> }),
    col.accessor((r) => r.share ?? -1, {
      id: 'share',
      header: 'matrix.share',
      size: 130,
      sortFn: 'basic',
      enableGlobalFilter: false,
      cell: (info) => <ShareCell row={info.row.original} />,
    }),
    col.accessor('lintCount', {
      header: 'matrix.lint',
      size: 120,
      sortFn: 'basic',
      enableGlobalFilter: false,
      cell: (info) => <LintBadges items={info.row.original.lint} testId={`matrix-lint-${info.row.original.id}`} />,
    }),
    col.accessor('frequency', { header: 'matrix.frequency', size: 100 }),
    col.accessor('owner', { header: 'matrix.owner', size: 120 }),
    col.accessor('unit', { header: 'matrix.unit', size: 120 }),
    col.accessor('evidence', { header: 'matrix.evidence', size: 180, cell: (info) => <span title={info.getValue()}>{info.getValue()}</span> }),
    col.accessor('objective', { header: 'matrix.objective', size: 220 }),
    col.accessor('risk', { header: 'matrix.risk', size: 220 }),
    col.accessor('nature', { header: 'matrix.nature', size: 90 }),
    col.accessor('automation', { header: 'matrix.automation', size: 130 }),
    col.accessor('element', { header: 'matrix.element', size: 110 }),
    col.accessor('scoringMethod', { header: 'matrix.scoringMethod', size: 150 }),
    col.accessor('inspectionCount', { header: 'matrix.inspectionCount', size: 90, sortFn: 'basic', enableGlobalFilter: false }),
    col.accessor('processGroup', { header: 'matrix.process', enableGlobalFilter: false, enableHiding: false }),
    col.accessor('unitGroup', { header: 'matrix.unit', enableGlobalFilter: false, enableHiding: false }),
    col.accessor('subjectGroup', { header: 'matrix.subject', enableGlobalFilter: false, enableHiding: false }),
  ]);
}
