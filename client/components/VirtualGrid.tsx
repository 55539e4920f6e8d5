import { memo, useCallback, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { Button, Checkbox, Group, Menu, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { FlexRender, useTable, type Column, type Row, type RowData } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { GridHeaderLabel, gridFeatures, type GridColumn, type GridFeatures } from './DataGrid.tsx';
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
}

const NO_GROUPING: string[] = [];

/**
 * The grid for large lists: the same features and column definitions as DataGrid, but only the
 * rows in view are rendered (fixed row height, fixed column widths), with grouping, a global
 * text filter, sorting and a column chooser.
 */
export function VirtualGrid<T extends RowData>(props: VirtualGridProps<T>) {
  const { t } = useTranslation();
  const { data, columns, getRowId, grouping = NO_GROUPING, helperColumns = NO_GROUPING, rowHeight = 36 } = props;
  const initialVisibility = useMemo(
    () => Object.fromEntries([...(props.initiallyHidden ?? []), ...helperColumns].map((id) => [id, false])),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const table = useTable({
    features: gridFeatures,
    columns,
    data,
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
  const width = leafColumns.reduce((sum, c) => sum + c.getSize(), 0);
  const columnsKey = leafColumns.map((c) => c.id).join(',');

  const scrollRef = useRef<HTMLDivElement>(null);
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
        ref={scrollRef}
        data-testid={props.testId ? `${props.testId}-scroll` : undefined}
        className="cb-vgrid-scroll"
        style={{ height: props.height }}
      >
        <table className="cb-vgrid-table" style={{ width: Math.max(width, 600) }}>
          <colgroup>
            {leafColumns.map((c) => (
              <col key={c.id} style={{ width: c.getSize() }} />
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
      <Text size="sm" c="dimmed" mt={4} data-testid={props.testId ? `${props.testId}-count` : undefined}>
        {t('common.rowCount', { count: recordCount })}
      </Text>
    </div>
  );
}

/**
 * A record's row. Memoised on the row object: scrolling renders only the rows coming into view,
 * not every row on screen again (rows change identity when the data or the visible columns do).
 */
const LeafRow = memo(function LeafRow<T extends RowData>({ row, height, testId }: { row: Row<GridFeatures, T>; columnsKey: string; height: number; testId: string }) {
  return (
    <tr data-testid={testId} className="cb-vgrid-row" style={{ height }}>
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id}>
          <FlexRender cell={cell} />
        </td>
      ))}
    </tr>
  );
}) as <T extends RowData>(props: { row: Row<GridFeatures, T>; columnsKey: string; height: number; testId: string }) => ReactNode;

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
