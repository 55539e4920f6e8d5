import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, type KeyboardEvent, type ReactNode, type Ref, type RefObject } from 'react';
import { Button, Checkbox, Group, Menu, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useMergedRef } from '@mantine/hooks';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { FlexRender, useTable, type Column, type Row, type RowData } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { GridHeaderLabel, gridFeatures, type GridColumn, type GridFeatures } from './DataGrid.tsx';
import { headerWidth } from './header-width.ts';
import './VirtualGrid.css';

/** One group header row as the page draws it. */
export interface GridGroup<T> {
  columnId: string;
  value: unknown;
  /** the records in the group (after filtering) */
  records: T[];
  expanded: boolean;
}

export interface VirtualGridProps<T extends RowData> {
  data: T[];
  columns: GridColumn<T>[];
  getRowId: (row: T) => string;
  /** Filters and buttons shown left of the search box. */
  toolbar?: ReactNode;
  /** Column ids to group rows by (the page owns the choice). */
  grouping?: string[];
  renderGroup?: (group: GridGroup<T>) => ReactNode;
  /** Columns hidden at first; the column chooser can show them. */
  initiallyHidden?: string[];
  /** Helper columns (e.g. grouping keys) never shown and not offered in the chooser. */
  helperColumns?: string[];
  /** CSS height of the scrolling body. */
  height: string;
  rowHeight?: number;
  testId?: string;
  rowTestId?: (row: T) => string;
  /** Stretch the columns to fill the container when it is wider than their sizes. */
  fillWidth?: boolean;
  /** Shown right of the row count (e.g. a keyboard hint). */
  footer?: ReactNode;
  /**
   * Makes rows selectable: click, arrow keys, Home / End / PageUp / PageDown while the focusable
   * scroll container has focus. The page owns the selection (`selectedRowId`).
   */
  onSelectRow?: (row: T) => void;
  selectedRowId?: string | null;
  /** Other keys pressed while the grid has focus (with `onSelectRow`). */
  onGridKey?: (key: string, event: KeyboardEvent<HTMLDivElement>) => void;
  /** Receives the records in display order (sorted, filtered, collapsed groups left out) when it changes. */
  onRowOrder?: (rows: T[]) => void;
  /** Receives the scroll container, so the page can focus it. */
  scrollRef?: Ref<HTMLDivElement>;
  /** The accessible name of a selectable grid. */
  ariaLabel?: string;
}

const NO_GROUPING: string[] = [];

/**
 * The grid for large lists: the same features and column definitions as DataGrid, but only the
 * rows in view are rendered (fixed row height, fixed column widths), with grouping, a global
 * text filter, sorting and a column chooser.
 */
export function VirtualGrid<T extends RowData>(props: VirtualGridProps<T>) {
  const { t, i18n } = useTranslation();
  const { data, columns, getRowId, grouping = NO_GROUPING, helperColumns = NO_GROUPING, rowHeight = 36 } = props;
  // Accessors may translate (t); the table caches accessor values per row object, so the rows are
  // rebuilt when the language changes — else a switch left those cells in the old language.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rowData = useMemo(() => data.slice(), [data, i18n.language]);
  const initialVisibility = useMemo(
    () => Object.fromEntries([...(props.initiallyHidden ?? []), ...helperColumns].map((id) => [id, false])),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const table = useTable({
    features: gridFeatures,
    columns,
    data: rowData,
    getRowId: (row: T) => getRowId(row),
    globalFilterFn: 'includesString',
    initialState: { columnVisibility: initialVisibility, expanded: true },
    state: { grouping },
    onGroupingChange: () => {},
    groupedColumnMode: false,
    autoResetExpanded: false,
  });
  // a new grouping starts with every group open
  useEffect(() => table.setExpanded(true), [grouping, table]);

  const rows = table.getRowModel().rows;
  const filter = (table.state.globalFilter as string | undefined) ?? '';
  const leafColumns = table.getVisibleLeafColumns();
  // a column is never narrower than its header label in the current language
  const columnWidth = (c: Column<GridFeatures, T, unknown>) => {
    const header = c.columnDef.header;
    return Math.max(c.getSize(), typeof header === 'string' ? headerWidth(t(header)) : 0);
  };
  const width = leafColumns.reduce((sum, c) => sum + columnWidth(c), 0);
  const columnsKey = leafColumns.map((c) => c.id).join(',');

  const scrollRef = useRef<HTMLDivElement>(null);
  const mergedScrollRef = useMergedRef(scrollRef, props.scrollRef);
  // stable per row model: a new key function makes the virtualizer re-measure every row
  const getItemKey = useCallback((i: number) => rows[i]!.id, [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const recordCount = table.getFilteredRowModel().rows.length;
  const selection = useRowSelection(rows, virtualizer, scrollRef, props);

  return (
    <div data-testid={props.testId}>
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="wrap">
          {props.toolbar}
        </Group>
        <Group gap="xs">
          <ColumnChooser columns={table.getAllLeafColumns().filter((c) => !helperColumns.includes(c.id))} />
          <TextInput
            placeholder={t('common.search')}
            aria-label={t('common.search')}
            value={filter}
            onChange={(e) => table.setGlobalFilter(e.currentTarget.value)}
            data-testid="grid-search"
            w={220}
            size="xs"
          />
        </Group>
      </Group>
      <div
        ref={mergedScrollRef}
        data-testid={props.testId ? `${props.testId}-scroll` : undefined}
        className="cb-vgrid-scroll"
        style={{ height: props.height }}
        {...selection.containerProps}
      >
        <table
          className={selection.onRowClick ? 'cb-vgrid-table cb-vgrid-selectable' : 'cb-vgrid-table'}
          style={props.fillWidth ? { width: '100%', minWidth: Math.max(width, 600) } : { width: Math.max(width, 600) }}
        >
          <colgroup>
            {leafColumns.map((c) => (
              <col key={c.id} style={{ width: columnWidth(c) }} />
            ))}
          </colgroup>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} style={{ height: rowHeight }}>
                    <GridHeaderLabel header={header} />
                  </th>
                ))}
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
              if (row.getIsGrouped()) {
                return (
                  <tr key={row.id} className="cb-vgrid-group" style={{ height: rowHeight }} data-testid="grid-group-row">
                    <td colSpan={leafColumns.length} style={{ paddingLeft: 8 + row.depth * 16 }}>
                      <GroupCell row={row} render={props.renderGroup} />
                    </td>
                  </tr>
                );
              }
              return (
                <LeafRow
                  key={row.id}
                  row={row}
                  columnsKey={columnsKey}
                  height={rowHeight}
                  testId={props.rowTestId ? props.rowTestId(row.original) : 'grid-row'}
                  selected={selection.onRowClick ? row.id === props.selectedRowId : undefined}
                  onClick={selection.onRowClick}
                />
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
        <Text size="sm" c="dimmed" data-testid={props.testId ? `${props.testId}-count` : undefined}>
          {t('common.rowCount', { count: recordCount })}
        </Text>
        {props.footer}
      </Group>
    </div>
  );
}

/**
 * A record's row. Memoised on the row object: scrolling renders only the rows coming into view,
 * not every row on screen again (rows change identity when the data or the visible columns do).
 */
const LeafRow = memo(function LeafRow<T extends RowData>({ row, height, testId, selected, onClick }: LeafRowProps<T>) {
  return (
    <tr
      data-testid={testId}
      className="cb-vgrid-row"
      style={{ height }}
      aria-selected={selected}
      data-selected={selected || undefined}
      onClick={onClick && (() => onClick(row))}
    >
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id}>
          <FlexRender cell={cell} />
        </td>
      ))}
    </tr>
  );
}) as <T extends RowData>(props: LeafRowProps<T>) => ReactNode;

interface LeafRowProps<T extends RowData> {
  row: Row<GridFeatures, T>;
  columnsKey: string;
  height: number;
  testId: string;
  /** undefined where the grid has no selection */
  selected?: boolean;
  /** stable, so selecting a row re-renders only the rows whose `selected` changes */
  onClick?: (row: Row<GridFeatures, T>) => void;
}

const PAGE_ROWS = 15;

/**
 * Selection and keyboard navigation for a grid given `onSelectRow`; nothing for other grids.
 * Arrow keys move between records, skipping group header rows.
 */
function useRowSelection<T extends RowData>(
  rows: Row<GridFeatures, T>[],
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  scrollRef: RefObject<HTMLDivElement | null>,
  props: VirtualGridProps<T>,
) {
  const { onSelectRow, selectedRowId, onGridKey, onRowOrder } = props;
  const selectable = onSelectRow != null;
  const selectedIndex = selectable && selectedRowId != null ? rows.findIndex((r) => r.id === selectedRowId && !r.getIsGrouped()) : -1;

  // keep the selected row in view (arrow keys, the page moving the selection)
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  useEffect(() => {
    onRowOrder?.(rows.filter((r) => !r.getIsGrouped()).map((r) => r.original));
  }, [rows, onRowOrder]);

  // the latest callback behind a stable click handler, so memoised rows do not re-render for it
  const onSelectRef = useRef(onSelectRow);
  useLayoutEffect(() => {
    onSelectRef.current = onSelectRow;
  });
  const onRowClick = useCallback(
    (row: Row<GridFeatures, T>) => {
      onSelectRef.current?.(row.original);
      scrollRef.current?.focus({ preventScroll: true });
    },
    [scrollRef],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const records = rows.flatMap((r, i) => (r.getIsGrouped() ? [] : [i]));
    const at = records.indexOf(selectedIndex);
    const go = (pos: number) => {
      const i = records[Math.max(0, Math.min(records.length - 1, pos))];
      if (i != null) onSelectRow!(rows[i]!.original);
    };
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at < 0 ? 0 : at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(records.length - 1);
    else if (e.key === 'PageDown') go(at + PAGE_ROWS);
    else if (e.key === 'PageUp') go(at - PAGE_ROWS);
    else {
      onGridKey?.(e.key, e);
      return;
    }
    e.preventDefault();
  };

  if (!selectable) return { containerProps: {}, onRowClick: undefined };
  return {
    containerProps: { tabIndex: 0, role: 'grid', 'aria-label': props.ariaLabel, 'aria-rowcount': rows.length, onKeyDown },
    onRowClick,
  };
}

function GroupCell<T extends RowData>({ row, render }: { row: Row<GridFeatures, T>; render?: (group: GridGroup<T>) => ReactNode }) {
  const { t } = useTranslation();
  const expanded = row.getIsExpanded();
  const records = row.getLeafRows().filter((r) => !r.getIsGrouped()).map((r) => r.original);
  return (
    <Group gap="xs" wrap="nowrap">
      <UnstyledButton
        onClick={row.getToggleExpandedHandler()}
        aria-label={t(expanded ? 'outline.collapse' : 'outline.expand')}
        fz="xs"
        c="dimmed"
        w={18}
      >
        {expanded ? '▼' : '▶'}
      </UnstyledButton>
      {render ? render({ columnId: row.groupingColumnId ?? '', value: row.groupingValue, records, expanded }) : <b>{String(row.groupingValue)}</b>}
    </Group>
  );
}

/** Show or hide columns; helper columns are not offered. */
function ColumnChooser<T extends RowData>({ columns }: { columns: Column<GridFeatures, T, unknown>[] }) {
  const { t } = useTranslation();
  return (
    <Menu closeOnItemClick={false} position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="default" data-testid="grid-columns">
          {t('grid.columns')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown data-testid="grid-columns-menu">
        {columns
          .filter((c) => c.getCanHide())
          .map((c) => {
            const header = c.columnDef.header;
            return (
              <Menu.Item key={c.id} onClick={() => c.toggleVisibility()} data-testid={`grid-column-${c.id}`}>
                <Checkbox size="xs" readOnly checked={c.getIsVisible()} label={typeof header === 'string' ? t(header) : c.id} />
              </Menu.Item>
            );
          })}
      </Menu.Dropdown>
    </Menu>
  );
}
