import { useMemo } from 'react';
import { Button } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useEditor } from '../../lib/use-editor.ts';
import { useDeleteHandlers } from '../../lib/use-org-mutations.ts';
import type { Assignment } from '../../lib/org-types.ts';
import { AssignmentForm } from './AssignmentForm.tsx';

const col = gridColumnHelper<Assignment>();
const NO_ASSIGNMENTS: Assignment[] = [];

export function AssignmentsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
  const editor = useEditor<Assignment>();
  const assignments = useQuery(trpc.org.assignments.list.queryOptions({}));
  const remove = useMutation(trpc.org.assignments.delete.mutationOptions(useDeleteHandlers()));

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor((a) => `${a.personName} (${a.employeeNo})`, { id: 'person', header: 'assignments.person' }),
        col.accessor('positionName', { header: 'assignments.position' }),
        col.accessor('unitName', { header: 'assignments.unit' }),
        col.accessor((a) => t(`assignmentKinds.${a.kind}`), { id: 'kind', header: 'assignments.kind' }),
        col.accessor('validFrom', { header: 'assignments.validFrom' }),
        col.accessor((a) => a.validTo ?? '', {
          id: 'validTo',
          header: 'assignments.validTo',
          cell: (info) => info.getValue() || t('assignments.openEnded'),
        }),
        ...(canWrite
          ? [
              col.display({
                id: 'actions',
                header: 'common.actions',
                cell: ({ row }) => (
                  <RowActions
                    name={`${row.original.personName} / ${row.original.positionName}`}
                    onEdit={() => editor.openEdit(row.original)}
                    onDelete={() => remove.mutate({ id: row.original.id })}
                  />
                ),
              }),
            ]
          : []),
      ]),
    [t, canWrite, editor.openEdit, remove.mutate],
  );

  return (
    <div>
      <PageTitle>{t('assignments.title')}</PageTitle>
      <DataGrid
        testId="assignments-grid"
        data={assignments.data ?? NO_ASSIGNMENTS}
        columns={columns}
        getRowId={(a) => String(a.id)}
        loading={assignments.isPending}
        toolbar={
          canWrite && (
            <Button onClick={editor.openCreate} data-testid="create-button">
              {t('common.create')}
            </Button>
          )
        }
      />
      {editor.state.mode === 'create' && <AssignmentForm onClose={editor.close} />}
      {editor.state.mode === 'edit' && <AssignmentForm assignment={editor.state.row} onClose={editor.close} />}
    </div>
  );
}
