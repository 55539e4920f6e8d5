import { useMemo, type ReactNode } from 'react';
import { Group, ScrollArea, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import {
  columnFilteringFeature,
  columnGroupingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  createExpandedRowModel,
  createFilteredRowModel,
  createGroupedRowModel,
  createSortedRowModel,
  filterFn_includesString,
  globalFilteringFeature,
  rowExpandingFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  FlexRender,
  type ColumnDef,
  type Header,
  type RowData,
} from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';

/**
 * The features every ControlBook grid has: client-side sorting and a global text filter; column
 * visibility, sizes and row grouping are there for the grids that use them (VirtualGrid) and
 * cost nothing where their state stays empty.
 */
export const gridFeatures = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  columnVisibilityFeature,
  columnSizingFeature,
  columnGroupingFeature,
  rowExpandingFeature,
  sortedRowModel: createSortedRowModel(),
  filteredRowModel: createFilteredRowModel(),
  groupedRowModel: createGroupedRowModel(),
  expandedRowModel: createExpandedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, basic: sortFn_basic },
  filterFns: { includesString: filterFn_includesString },
});
export type GridFeatures = typeof gridFeatures;
// eslint-disable-next-line typescript/no-explicit-any -- a column of any value type, as TanStack Table types its column arrays
export type GridColumn<T extends RowData> = ColumnDef<GridFeatures, T, any>;

/**
 * Column helper for a grid of `T`. Convention: a string `header` is an i18n key, translated
 * by the grid, so column definitions need no `t` and headers follow the language switch.
 */
export function gridColumnHelper<T extends RowData>() {
  return createColumnHelper<GridFeatures, T>();
}

/** A column header: translated when the definition is an i18n key, a sort toggle when sortable. */
export function GridHeaderLabel<T extends RowData>({ header }: { header: Header<GridFeatures, T, unknown> }) {
  const { t } = useTranslation();
  const def = header.column.columnDef.header;
  const label = typeof def === 'string' ? t(def) : header.isPlaceholder ? null : <FlexRender header={header} />;
  if (!header.column.getCanSort()) return <>{label}</>;
  const sorted = header.column.getIsSorted();
  return (
    <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm" style={{ whiteSpace: 'nowrap' }}>
      {label}
      {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
    </UnstyledButton>
  );
}

export interface DataGridProps<T extends RowData> {
  data: T[];
  columns: GridColumn<T>[];
  getRowId?: (row: T) => string;
  /** Buttons and filters shown left of the search box. */
  toolbar?: ReactNode;
  /** Shown under the grid (e.g. "load more"). */
  footer?: ReactNode;
  testId?: string;
  loading?: boolean;
}

export function DataGrid<T extends RowData>({ data, columns, getRowId, toolbar, footer, testId, loading }: DataGridProps<T>) {
  const { t, i18n } = useTranslation();
  // Accessors may translate (t); the table caches accessor values per row object, so the rows are
  // rebuilt when the language changes — else a switch left those cells in the old language.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rowData = useMemo(() => data.slice(), [data, i18n.language]);
  const table = useTable({
    features: gridFeatures,
    columns,
    data: rowData,
    ...(getRowId ? { getRowId: (row: T) => getRowId(row) } : {}),
    globalFilterFn: 'includesString',
    getColumnCanGlobalFilter: (column) => column.id !== 'actions',
  });
  const rows = table.getRowModel().rows;
  const filter = (table.state.globalFilter as string | undefined) ?? '';

  return (
    <div data-testid={testId}>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="sm">{toolbar}</Group>
        <TextInput
          placeholder={t('common.search')}
          aria-label={t('common.search')}
          value={filter}
          onChange={(e) => table.setGlobalFilter(e.currentTarget.value)}
          data-testid="grid-search"
          w={240}
        />
      </Group>
      <ScrollArea>
        <Table striped highlightOnHover withTableBorder verticalSpacing="xs">
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => (
                  <Table.Th key={header.id} style={{ whiteSpace: 'nowrap' }}>
                    <GridHeaderLabel header={header} />
                  </Table.Th>
                ))}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id} data-testid="grid-row">
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id}>
                    <table.FlexRender cell={cell} />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns.length}>
                  <Text c="dimmed" ta="center" py="md">
                    {loading ? t('app.loading') : t('common.noRows')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <Group justify="space-between" mt="xs">
        <Text size="sm" c="dimmed">
          {t('common.rowCount', { count: rows.length })}
        </Text>
        {footer}
      </Group>
    </div>
  );
}
