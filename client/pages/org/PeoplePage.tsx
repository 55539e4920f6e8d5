import { useMemo } from 'react';
import { Badge, Button } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useEditor } from '../../lib/use-editor.ts';
import { useDeleteHandlers } from '../../lib/use-org-mutations.ts';
import type { Person } from '../../lib/org-types.ts';
import { YesNo } from '../../components/YesNo.tsx';
import { PersonForm } from './PersonForm.tsx';

const col = gridColumnHelper<Person>();
const NO_PEOPLE: Person[] = [];

export function PeoplePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
  const editor = useEditor<Person>();
  const people = useQuery(trpc.org.people.list.queryOptions());
  const remove = useMutation(trpc.org.people.delete.mutationOptions(useDeleteHandlers()));

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('employeeNo', { header: 'people.employeeNo' }),
        col.accessor('name', { header: 'people.name' }),
        col.accessor((p) => p.email ?? '', { id: 'email', header: 'people.email' }),
        col.accessor('active', { header: 'people.active', cell: (info) => <YesNo value={info.getValue()} /> }),
        col.accessor((p) => p.primaryPosition ?? '', {
          id: 'primaryPosition',
          header: 'people.primaryPosition',
          cell: (info) => (info.getValue() ? <Badge variant="outline">{info.getValue()}</Badge> : null),
        }),
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
      <PageTitle>{t('people.title')}</PageTitle>
      <DataGrid
        testId="people-grid"
        data={people.data ?? NO_PEOPLE}
        columns={columns}
        getRowId={(p) => String(p.id)}
        loading={people.isPending}
        toolbar={
          canWrite && (
            <Button onClick={editor.openCreate} data-testid="create-button">
              {t('common.create')}
            </Button>
          )
        }
      />
      {editor.state.mode === 'create' && <PersonForm onClose={editor.close} />}
      {editor.state.mode === 'edit' && <PersonForm person={editor.state.row} onClose={editor.close} />}
    </div>
  );
}
