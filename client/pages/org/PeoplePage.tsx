import { Badge } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useDeleteHandlers } from '../../lib/use-org-mutations.ts';
import type { Person } from '../../lib/org-types.ts';
import { YesNo } from '../../components/YesNo.tsx';
import { PersonForm } from './PersonForm.tsx';

const col = gridColumnHelper<Person>();
const NO_PEOPLE: Person[] = [];
const COLUMNS = col.columns([
  col.accessor('employeeNo', { header: 'people.employeeNo' }),
  col.accessor('name', { header: 'people.name' }),
  col.accessor((p) => p.email ?? '', { id: 'email', header: 'people.email' }),
  col.accessor('active', { header: 'people.active', cell: (info) => <YesNo value={info.getValue()} /> }),
  col.accessor((p) => p.primaryPosition ?? '', {
    id: 'primaryPosition',
    header: 'people.primaryPosition',
    cell: (info) => (info.getValue() ? <Badge variant="outline">{info.getValue()}</Badge> : null),
  }),
]);

export function PeoplePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
  const people = useQuery(trpc.org.people.list.queryOptions());
  const remove = useMutation(trpc.org.people.delete.mutationOptions(useDeleteHandlers()));
  return (
    <div>
      <PageTitle>{t('people.title')}</PageTitle>
      <CrudGrid
        testId="people-grid"
        data={people.data ?? NO_PEOPLE}
        columns={COLUMNS}
        getRowId={(p) => String(p.id)}
        loading={people.isPending}
        canWrite={canWrite}
        rowName={(p) => p.name}
        onDelete={(p) => remove.mutate({ id: p.id })}
        form={({ row, onClose }) => <PersonForm person={row} onClose={onClose} />}
      />
    </div>
  );
}
