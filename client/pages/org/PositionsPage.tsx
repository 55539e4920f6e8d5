import { useMemo, useState } from 'react';
import { Badge, Group, Select } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
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
      ]),
    // nameOf changes with the language and the duty list
    [nameOf],
  );

  return (
    <div>
      <PageTitle>{t('positions.title')}</PageTitle>
      <CrudGrid
        testId="positions-grid"
        data={positions.data ?? NO_POSITIONS}
        columns={columns}
        getRowId={(p) => String(p.id)}
        loading={positions.isPending}
        canWrite={canWrite}
        rowName={(p) => p.name}
        onDelete={(p) => remove.mutate({ id: p.id })}
        form={({ row, onClose }) => <PositionForm position={row} units={units} defaultUnitId={unitId} onClose={onClose} />}
        toolbar={
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
        }
      />
    </div>
  );
}
