import { useMemo, useRef, type ReactNode } from 'react';
import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RowData } from '@tanstack/react-table';
import { DataGrid, gridColumnHelper, type DataGridProps, type GridColumn } from './DataGrid.tsx';
import { RowActions } from './RowActions.tsx';
import { useEditor } from '../lib/use-editor.ts';

export interface CrudGridProps<T extends RowData> extends Omit<DataGridProps<T>, 'toolbar'> {
  /** may the user create, edit and delete here (the server checks again) */
  canWrite: boolean;
  /** the record's name in the delete confirmation */
  rowName: (row: T) => string;
  /** deletes the record; without it rows have no delete button */
  onDelete?: (row: T) => void;
  /** false for records that are entered once and never edited (approval records); default true */
  editable?: boolean;
  /** records that can be neither edited nor deleted (e.g. built-in ones) */
  readOnlyRow?: (row: T) => boolean;
  /** more buttons among a row's actions */
  rowExtras?: (row: T) => ReactNode;
  /** the form modal: `row` undefined for a new record (always, when not `editable`) */
  form: (props: { row?: T; onClose: () => void }) => ReactNode;
  /** filters and buttons after the create button */
  toolbar?: ReactNode;
  /** the create button's label (an i18n key); default "create" */
  createLabel?: string;
}

/**
 * A DataGrid of records the user creates, edits and deletes: the create button, an actions
 * column (edit, delete with confirmation) and the form modal, so a list page only defines its
 * columns and its form.
 */
export function CrudGrid<T extends RowData>({ columns, canWrite, rowName, onDelete, editable = true, readOnlyRow, rowExtras, form, toolbar, createLabel = 'common.create', ...grid }: CrudGridProps<T>) {
  const { t } = useTranslation();
  const editor = useEditor<T>();
  // the latest callbacks, read when a cell renders: pages pass new lambdas every render, and new
  // columns every render would make the table recompute its rows
  const latest = useRef({ rowName, onDelete, readOnlyRow, rowExtras });
  latest.current = { rowName, onDelete, readOnlyRow, rowExtras };
  const hasDelete = onDelete != null;
  const withActions = useMemo((): GridColumn<T>[] => {
    if (!canWrite) return columns;
    const actions = gridColumnHelper<T>().display({
      id: 'actions',
      header: 'common.actions',
      cell: ({ row }) => {
        const cb = latest.current;
        if (cb.readOnlyRow?.(row.original)) return null;
        return (
          <RowActions
            name={cb.rowName(row.original)}
            onEdit={editable ? () => editor.openEdit(row.original) : undefined}
            onDelete={hasDelete ? () => latest.current.onDelete?.(row.original) : undefined}
          >
            {cb.rowExtras?.(row.original)}
          </RowActions>
        );
      },
    });
    return [...columns, actions];
  // eslint-disable-next-line react-hooks/exhaustive-deps -- editor.openEdit is stable; editor itself is new each render
  }, [columns, canWrite, hasDelete, editable, editor.openEdit]);

  return (
    <>
      <DataGrid
        {...grid}
        columns={withActions}
        toolbar={
          <>
            {canWrite && (
              <Button onClick={editor.openCreate} data-testid="create-button">
                {t(createLabel)}
              </Button>
            )}
            {toolbar}
          </>
        }
      />
      {editor.state.mode === 'create' && form({ onClose: editor.close })}
      {editor.state.mode === 'edit' && form({ row: editor.state.row, onClose: editor.close })}
    </>
  );
}
