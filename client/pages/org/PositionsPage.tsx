import { useMemo, useState } from 'react';
import { Badge, Button, Group, Select } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useEditor } from '../../lib/use-editor.ts';
import { useDuties } from '../../lib/duty-names.ts';
import { useDeleteHandlers } from '../../lib/use-org-mutations.ts';
import type { Position, Unit } from '../../lib/org-types.ts';
import { flattenUnits, unitOptions } from './unit-tree.ts';
import { PositionForm } from './PositionForm.tsx';

const col = gridColumnHelper<Position>();
const NO_UNITS: Unit[] = [];
const NO_POSITIONS: Position[] = [];

export function PositionsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
  const editor = useEditor<Position>();
  const [unitFilter, setUnitFilter] = useState<string | null>(null);
  const unitId = unitFilter ? Number(unitFilter) : undefined;
  const units = useQuery(trpc.org.units.list.queryOptions()).data ?? NO_UNITS;
  const positions = useQuery(trpc.org.positions.list.queryOptions(unitId ? { unitId } : {}));
  const { nameOf } = useDuties();
  const remove = useMutation(trpc.org.positions.delete.mutationOptions(useDeleteHandlers()));

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('unitName', { header: 'positions.unit' }),
        col.accessor('code', { header: 'positions.code' }),
        col.accessor('name', { header: 'positions.name' }),
        col.accessor('levelRank', { header: 'positions.levelRank' }),
        col.accessor((p) => p.duties.map(nameOf).join(' '), {
          id: 'duties',
          header: 'positions.duties',
          cell: ({ row }) => (
            <Group gap={4}>
              {row.original.duties.map((d) => (
                <Badge key={d} size="sm" variant="light">
                  {nameOf(d)}
                </Badge>
              ))}
            </Group>
          ),
        }),
        col.accessor('currentHolders', { header: 'positions.currentHolders' }),
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
    // nameOf changes with the language and the duty list
    [canWrite, editor.openEdit, remove.mutate, nameOf],
  );

  return (
    <div>
      <PageTitle>{t('positions.title')}</PageTitle>
      <DataGrid
        testId="positions-grid"
        data={positions.data ?? NO_POSITIONS}
        columns={columns}
        getRowId={(p) => String(p.id)}
        loading={positions.isPending}
        toolbar={
          <>
            {canWrite && (
              <Button onClick={editor.openCreate} data-testid="create-button">
                {t('common.create')}
              </Button>
            )}
            <Select
              placeholder={t('positions.filterUnit')}
              aria-label={t('positions.filterUnit')}
              data={unitOptions(flattenUnits(units))}
              value={unitFilter}
              onChange={setUnitFilter}
              clearable
              searchable
              w={260}
              data-testid="filter-unit"
            />
          </>
        }
      />
      {editor.state.mode === 'create' && <PositionForm units={units} defaultUnitId={unitId} onClose={editor.close} />}
      {editor.state.mode === 'edit' && <PositionForm position={editor.state.row} units={units} onClose={editor.close} />}
    </div>
  );
}
