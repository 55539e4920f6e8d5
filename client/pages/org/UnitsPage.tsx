import { useMemo } from 'react';
import { Box } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useDeleteHandlers } from '../../lib/use-org-mutations.ts';
import type { Unit } from '../../lib/org-types.ts';
import { flattenUnits, type UnitRow } from './unit-tree.ts';
import { UnitForm } from './UnitForm.tsx';

const col = gridColumnHelper<UnitRow>();
const NO_UNITS: Unit[] = [];
const COLUMNS = col.columns([
  col.accessor('code', { header: 'units.code' }),
  col.accessor('name', {
    header: 'units.name',
    cell: (info) => <Box pl={info.row.original.depth * 20}>{info.getValue()}</Box>,
  }),
  col.accessor('positionCount', { header: 'units.positionCount' }),
]);

export function UnitsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
  const units = useQuery(trpc.org.units.list.queryOptions());
  const unitList = units.data ?? NO_UNITS;
  const rows = useMemo(() => flattenUnits(unitList), [unitList]);
  const remove = useMutation(trpc.org.units.delete.mutationOptions(useDeleteHandlers()));

  return (
    <div>
      <PageTitle>{t('units.title')}</PageTitle>
      <CrudGrid
        testId="units-grid"
        data={rows}
        columns={COLUMNS}
        getRowId={(u) => String(u.id)}
        loading={units.isPending}
        canWrite={canWrite}
        rowName={(u) => u.name}
        onDelete={(u) => remove.mutate({ id: u.id })}
        form={({ row, onClose }) => <UnitForm unit={row} units={unitList} onClose={onClose} />}
      />
    </div>
  );
}
