import { useEffect, useMemo, useRef, type KeyboardEvent, type MutableRefObject, type ReactNode } from 'react';
import { Badge, Group, Text, TextInput, UnstyledButton } from '@mantine/core';
import { FlexRender, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { ControlResult } from '../../../shared/scoring.ts';
import { gridColumnHelper, gridFeatures } from '../../components/DataGrid.tsx';
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

const ROW_HEIGHT = 34;
const col = gridColumnHelper<ControlRow>();
const WIDTHS: Record<string, number> = { number: 90, title: 260, level: 70, weight: 56, tester: 90, state: 96, r: 56, evidence: 70 };
const STATE_COLORS = { tested: 'teal', not_applicable: 'gray', not_operated: 'grape', not_tested: 'orange' } as const;

/**
 * The controls in scope: a TanStack Table with virtualised rows (an audit may hold 20,000
 * controls). Click or arrow keys select a row; Enter and the shortcut letters go to `onKey`.
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
  const { rows: data, selectedId, onSelect, orderRef, focusRef } = props;
  const columns = useMemo(
    () =>
      col.columns([
        col.accessor((r) => r.control.number, { id: 'number', header: 'auditPages.grid.number', sortFn: 'alphanumeric' }),
        col.accessor((r) => r.control.title, { id: 'title', header: 'auditPages.grid.title' }),
        col.accessor((r) => (r.control.isKey ? t('controlLevels.key') : t('controlLevels.general')), {
          id: 'level',
          header: 'auditPages.grid.level',
          cell: ({ row }) => (
            <Badge size="xs" variant={row.original.control.isKey ? 'filled' : 'light'} color={row.original.control.isKey ? 'red' : 'gray'}>
              {row.original.control.isKey ? t('auditPages.grid.key') : t('auditPages.grid.general')}
            </Badge>
          ),
        }),
        col.accessor((r) => r.control.weight, { id: 'weight', header: 'auditPages.grid.weight', sortFn: 'basic' }),
        col.accessor('tester', { header: 'auditPages.grid.tester' }),
        col.accessor((r) => t(`scoring.states.${r.result.state}`), {
          id: 'state',
          header: 'auditPages.grid.state',
          cell: ({ row }) => (
            <Group gap={4} wrap="nowrap">
              <Badge size="xs" variant="light" color={STATE_COLORS[row.original.result.state]}>
                {t(`scoring.states.${row.original.result.state}`)}
              </Badge>
              {row.original.dirty && (
                <Text span c="blue" fw={700} title={t('auditPages.unsaved')} data-testid="row-dirty">
                  •
                </Text>
              )}
            </Group>
          ),
        }),
        col.accessor((r) => (r.result.state === 'tested' ? r.result.r : -1), {
          id: 'r',
          header: 'auditPages.grid.r',
          sortFn: 'basic',
          cell: ({ row }) => {
            const res = row.original.result;
            if (res.state !== 'tested') return <Text c="dimmed">–</Text>;
            return (
              <Text span fw={600} c={res.r < 1 ? 'red' : undefined}>
                {res.r.toFixed(2)}
              </Text>
            );
          },
        }),
        col.accessor((r) => r.evidenceSeen - r.evidenceRequired, {
          id: 'evidence',
          header: 'auditPages.grid.evidence',
          sortFn: 'basic',
          cell: ({ row }) => {
            const { evidenceSeen: seen, evidenceRequired: required } = row.original;
            if (required === 0) return <Text c="dimmed">–</Text>;
            return (
              <Text span c={seen >= required ? 'teal' : 'dimmed'} title={t('auditPages.grid.evidenceTitle', { seen, required })}>
                {'✓'.repeat(Math.min(seen, 5))}
                {'·'.repeat(Math.max(0, Math.min(required, 5) - Math.min(seen, 5)))}
              </Text>
            );
          },
        }),
      ]),
    [t],
  );

  const table = useTable({
    features: gridFeatures,
    columns,
    data,
    getRowId: (r: ControlRow) => String(r.control.id),
    globalFilterFn: 'includesString',
  });
  const rows = table.getRowModel().rows;
  orderRef.current = rows.map((r) => r.original.control.id);
  const filter = (table.state.globalFilter as string | undefined) ?? '';

  const scrollRef = useRef<HTMLDivElement | null>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => rows[i]!.id,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  // keep the selected row in view (arrow keys, "save and next")
  const selectedIndex = selectedId == null ? -1 : rows.findIndex((r) => r.original.control.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const go = (i: number) => {
      const r = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (r) onSelect(r.original.control.id);
    };
    if (e.key === 'ArrowDown') go(selectedIndex + 1);
    else if (e.key === 'ArrowUp') go(selectedIndex < 0 ? 0 : selectedIndex - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(rows.length - 1);
    else if (e.key === 'PageDown') go(selectedIndex + 15);
    else if (e.key === 'PageUp') go(selectedIndex - 15);
    else {
      props.onKey(e.key, e);
      return;
    }
    e.preventDefault();
  };

  const leafColumns = table.getVisibleLeafColumns();
  return (
    <div data-testid="controls-grid">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="wrap">
          {props.toolbar}
        </Group>
        <TextInput
          placeholder={t('common.search')}
          aria-label={t('common.search')}
          value={filter}
          onChange={(e) => table.setGlobalFilter(e.currentTarget.value)}
          data-testid="grid-search"
          w={200}
          size="xs"
        />
      </Group>
      <div
        ref={(el) => {
          scrollRef.current = el;
          focusRef.current = el;
        }}
        tabIndex={0}
        role="grid"
        aria-label={t('auditPages.tabs.workspace')}
        aria-rowcount={rows.length}
        onKeyDown={onKeyDown}
        data-testid="controls-grid-scroll"
        style={{
          height: 'calc(100vh - 420px)',
          minHeight: 280,
          overflow: 'auto',
          border: '1px solid var(--mantine-color-gray-3)',
          borderRadius: 4,
          outlineOffset: -2,
        }}
      >
        <table style={{ tableLayout: 'fixed', borderCollapse: 'collapse', width: '100%', minWidth: 780, fontSize: 'var(--mantine-font-size-sm)' }}>
          <colgroup>
            {leafColumns.map((c) => (
              <col key={c.id} style={{ width: WIDTHS[c.id] }} />
            ))}
          </colgroup>
          <thead style={{ position: 'sticky', top: 0, zIndex: 2, background: 'var(--mantine-color-gray-0)' }}>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const def = header.column.columnDef.header;
                  const sorted = header.column.getIsSorted();
                  return (
                    <th key={header.id} style={{ ...cellStyle, height: ROW_HEIGHT, textAlign: 'left', borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
                      <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm" tabIndex={-1}>
                        {typeof def === 'string' ? t(def) : null}
                        {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                      </UnstyledButton>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr style={{ height: padTop }}>
                <td colSpan={leafColumns.length} />
              </tr>
            )}
            {items.map((item) => {
              const row = rows[item.index]!;
              const id = row.original.control.id;
              const selected = id === selectedId;
              return (
                <tr
                  key={row.id}
                  aria-selected={selected}
                  data-testid={`control-row-${row.original.control.number}`}
                  data-selected={selected || undefined}
                  onClick={() => {
                    onSelect(id);
                    scrollRef.current?.focus({ preventScroll: true });
                  }}
                  style={{
                    height: ROW_HEIGHT,
                    cursor: 'pointer',
                    borderBottom: '1px solid var(--mantine-color-gray-2)',
                    background: selected ? 'var(--mantine-color-indigo-1)' : undefined,
                  }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} style={cellStyle}>
                      <FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr style={{ height: padBottom }}>
                <td colSpan={leafColumns.length} />
              </tr>
            )}
          </tbody>
        </table>
        {rows.length === 0 && (
          <Text c="dimmed" ta="center" py="md">
            {t('common.noRows')}
          </Text>
        )}
      </div>
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed" data-testid="controls-count">
          {t('common.rowCount', { count: rows.length })}
        </Text>
        <Text size="xs" c="dimmed" visibleFrom="md">
          {t('auditPages.keyboardHint')}
        </Text>
      </Group>
    </div>
  );
}

const cellStyle = { padding: '0 8px', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;
