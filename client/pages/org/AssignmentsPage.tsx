import { useMemo } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useDeleteHandlers } from '../../lib/use-org-mutations.ts';
import type { Assignment } from '../../lib/org-types.ts';
import { AssignmentForm } from './AssignmentForm.tsx';

const col = gridColumnHelper<Assignment>();
const NO_ASSIGNMENTS: Assignment[] = [];

export function AssignmentsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('org.write');
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
      ]),
    [t],
  );

  return (
    <div>
      <PageTitle>{t('assignments.title')}</PageTitle>
      <CrudGrid
        testId="assignments-grid"
        data={assignments.data ?? NO_ASSIGNMENTS}
        columns={columns}
        getRowId={(a) => String(a.id)}
        loading={assignments.isPending}
        canWrite={canWrite}
        rowName={(a) => `${a.personName} / ${a.positionName}`}
        onDelete={(a) => remove.mutate({ id: a.id })}
        form={({ row, onClose }) => <AssignmentForm assignment={row} onClose={onClose} />}
      />
    </div>
  );
}
