import { useMemo } from 'react';
import { Box, Button } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useEditor } from '../../lib/use-editor.ts';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import type { Unit } from '../../lib/org-types.ts';
import { flattenUnits, type UnitRow } from './unit-tree.ts';
import { UnitForm } from './UnitForm.tsx';

const col = gridColumnHelper<UnitRow>();
const NO_UNITS: Unit[] = [];

export function UnitsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canWrite = useCan('org.write');
  const editor = useEditor<Unit>();
  const units = useQuery(trpc.org.units.list.queryOptions());
  const unitList = units.data ?? NO_UNITS;
  const rows = useMemo(() => flattenUnits(unitList), [unitList]);
  const remove = useMutation(
    trpc.org.units.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.org.pathKey() });
        notifySuccess('common.deleted');
      },
      onError: notifyError,
    }),
  );

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('code', { header: 'units.code' }),
        col.accessor('name', {
          header: 'units.name',
          cell: (info) => <Box pl={info.row.original.depth * 20}>{info.getValue()}</Box>,
        }),
        col.accessor('positionCount', { header: 'units.positionCount' }),
        ...(canWrite
          ? [
              col.display({
                id: 'actions',
                header: 'common.actions',
                cell: ({ row }) => (
                  <RowActions
                    name={row.original.name}
                    onEdit={() => editor.openEdit(row.original)}
                    onDelete={() => remove.mutate({ id: row.original.id })}
                  />
                ),
              }),
            ]
          : []),
      ]),
    [canWrite, editor.openEdit, remove.mutate],
  );

  return (
    <div>
      <PageTitle>{t('units.title')}</PageTitle>
      <DataGrid
        testId="units-grid"
        data={rows}
        columns={columns}
        getRowId={(u) => String(u.id)}
        loading={units.isPending}
        toolbar={
          canWrite && (
            <Button onClick={editor.openCreate} data-testid="create-button">
              {t('common.create')}
            </Button>
          )
        }
      />
      {editor.state.mode === 'create' && <UnitForm units={unitList} onClose={editor.close} />}
      {editor.state.mode === 'edit' && <UnitForm unit={editor.state.row} units={unitList} onClose={editor.close} />}
    </div>
  );
}
