import { useCallback, useMemo, type KeyboardEvent, type MutableRefObject, type ReactNode } from 'react';
import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ControlResult } from '../../../shared/scoring.ts';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { VirtualGrid } from '../../components/VirtualGrid.tsx';
import type { AuditControl, AuditTest } from './audit-data.ts';

/** One row of the audit workspace: a control in scope with its saved test and its current (maybe unsaved) result. */
export interface ControlRow {
  control: AuditControl;
  test: AuditTest | undefined;
  /** the result the live score counts: the draft's when it has a valid one, else the saved one */
  result: ControlResult;
  /** unsaved changes in this row */
  dirty: boolean;
  /** the saved tester, else the testers assigned to its processes */
  tester: string;
  /** evidence types seen / required */
  evidenceSeen: number;
  evidenceRequired: number;
}

const col = gridColumnHelper<ControlRow>();
const STATE_COLORS = { tested: 'teal', not_applicable: 'gray', not_operated: 'grape', not_tested: 'orange' } as const;

/**
 * The controls in scope, in a VirtualGrid (an audit may hold 20,000 controls). Click or arrow
 * keys select a row; Enter and the shortcut letters go to `onKey`.
 */
export function ControlsGrid(props: {
  rows: ControlRow[];
  selectedId: number | null;
  onSelect: (controlId: number) => void;
  /** Enter and shortcut keys pressed while the grid has focus */
  onKey: (key: string, event: KeyboardEvent<HTMLDivElement>) => void;
  /** receives the control ids in display order (sorted and filtered), for "save and go to the next row" */
  orderRef: MutableRefObject<number[]>;
  /** receives the scroll container, so the page can focus it */
  focusRef: MutableRefObject<HTMLDivElement | null>;
  toolbar?: ReactNode;
}) {
  const { t } = useTranslation();
  const { orderRef, onSelect } = props;
  // the accessors translate so that search and sorting match the text shown
  const columns = useMemo(
    () =>
      col.columns([
        col.accessor((r) => r.control.number, { id: 'number', header: 'auditPages.grid.number', size: 90, sortFn: 'alphanumeric' }),
        col.accessor((r) => r.control.title, { id: 'title', header: 'auditPages.grid.title', size: 260 }),
        col.accessor((r) => (r.control.isKey ? t('controlLevels.key') : t('controlLevels.general')), {
          id: 'level',
          header: 'auditPages.grid.level',
          size: 70,
          cell: ({ row }) => <LevelCell row={row.original} />,
        }),
        col.accessor((r) => r.control.weight, { id: 'weight', header: 'auditPages.grid.weight', size: 56, sortFn: 'basic' }),
        col.accessor('tester', { header: 'auditPages.grid.tester', size: 90 }),
        col.accessor((r) => t(`scoring.states.${r.result.state}`), {
          id: 'state',
          header: 'auditPages.grid.state',
          size: 96,
          cell: ({ row }) => <StateCell row={row.original} />,
        }),
        col.accessor((r) => (r.result.state === 'tested' ? r.result.r : -1), {
          id: 'r',
          header: 'auditPages.grid.r',
          size: 56,
          sortFn: 'basic',
          cell: ({ row }) => <ResultCell result={row.original.result} />,
        }),
        col.accessor((r) => r.evidenceSeen - r.evidenceRequired, {
          id: 'evidence',
          header: 'auditPages.grid.evidence',
          size: 70,
          sortFn: 'basic',
          cell: ({ row }) => <EvidenceCell row={row.original} />,
        }),
      ]),
    [t],
  );
  const onRowOrder = useCallback(
    (rows: ControlRow[]) => {
      orderRef.current = rows.map((r) => r.control.id);
    },
    [orderRef],
  );
  const onSelectRow = useCallback((r: ControlRow) => onSelect(r.control.id), [onSelect]);

  return (
    <VirtualGrid
      testId="controls-grid"
      data={props.rows}
      columns={columns}
      getRowId={(r) => String(r.control.id)}
      rowTestId={(r) => `control-row-${r.control.number}`}
      toolbar={props.toolbar}
      height="max(280px, calc(100vh - 420px))"
      rowHeight={34}
      fillWidth
      selectedRowId={props.selectedId == null ? null : String(props.selectedId)}
      onSelectRow={onSelectRow}
      onGridKey={props.onKey}
      onRowOrder={onRowOrder}
      scrollRef={props.focusRef}
      ariaLabel={t('auditPages.tabs.workspace')}
      footer={
        <Text size="xs" c="dimmed" visibleFrom="md">
          {t('auditPages.keyboardHint')}
        </Text>
      }
    />
  );
}

// Cells translate for themselves: memoised grid rows do not re-render when only the language changes.
function LevelCell({ row }: { row: ControlRow }) {
  const { t } = useTranslation();
  const isKey = row.control.isKey;
  return (
    <Badge size="xs" variant={isKey ? 'filled' : 'light'} color={isKey ? 'red' : 'gray'}>
      {isKey ? t('auditPages.grid.key') : t('auditPages.grid.general')}
    </Badge>
  );
}

function StateCell({ row }: { row: ControlRow }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Badge size="xs" variant="light" color={STATE_COLORS[row.result.state]}>
        {t(`scoring.states.${row.result.state}`)}
      </Badge>
      {row.dirty && (
        <Text span c="blue" fw={700} title={t('auditPages.unsaved')} data-testid="row-dirty">
          •
        </Text>
      )}
    </Group>
  );
}

function ResultCell({ result }: { result: ControlResult }) {
  if (result.state !== 'tested') return <Text c="dimmed">–</Text>;
  return (
    <Text span fw={600} c={result.r < 1 ? 'red' : undefined}>
      {result.r.toFixed(2)}
    </Text>
  );
}

function EvidenceCell({ row }: { row: ControlRow }) {
  const { t } = useTranslation();
  const { evidenceSeen: seen, evidenceRequired: required } = row;
  if (required === 0) return <Text c="dimmed">–</Text>;
  return (
    <Text span c={seen >= required ? 'teal' : 'dimmed'} title={t('auditPages.grid.evidenceTitle', { seen, required })}>
      {'✓'.repeat(Math.min(seen, 5))}
      {'·'.repeat(Math.max(0, Math.min(required, 5) - Math.min(seen, 5)))}
    </Text>
  );
}
