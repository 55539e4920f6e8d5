import { useMemo, useState } from 'react';
import { Button, Group, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { i18n } from '../../i18n/index.ts';
import { notifications } from '@mantine/notifications';
import { useAmount, useAuthorityLookups, useInvalidateAuthority, type Approval } from './authority-data.ts';
import { ApprovalForm } from './ApprovalForm.tsx';

const col = gridColumnHelper<Approval>();
const PAGE_SIZE = 200;

function combinePages(pages: { data?: { rows: Approval[]; nextBeforeId: number | null }; isPending: boolean }[]) {
  return {
    rows: pages.flatMap((p) => p.data?.rows ?? []),
    nextBeforeId: pages[pages.length - 1]?.data?.nextBeforeId ?? null,
    loading: pages.some((p) => p.isPending),
  };
}

/** Approval records (entered or imported), newest first, with the import batches they came in. */
export function ApprovalsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const canWrite = useCan('approvals.write');
  const amount = useAmount();
  const invalidate = useInvalidateAuthority();
  const { matterOptions } = useAuthorityLookups();
  const [matterId, setMatterId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const filter = { ...(matterId ? { matterId: Number(matterId) } : {}), ...(search.trim() ? { search: search.trim() } : {}) };
  const { rows, nextBeforeId, loading } = useQueries({
    queries: cursors.map((beforeId) => trpc.authority.approvals.list.queryOptions({ ...filter, ...(beforeId ? { beforeId } : {}), limit: PAGE_SIZE })),
    combine: combinePages,
  });
  const imports = useQuery(trpc.authority.approvals.imports.queryOptions()).data ?? [];
  const remove = useMutation(
    trpc.authority.approvals.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess('common.deleted');
      },
      onError: notifyError,
    }),
  );
  const undoImport = useMutation(
    trpc.authority.approvals.deleteImport.mutationOptions({
      onSuccess: async (res) => {
        await invalidate();
        notifications.show({ color: 'teal', message: i18n.t('authorityUi.approvals.importRemoved', { count: res.removedRecords }) });
      },
      onError: notifyError,
    }),
  );

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('referenceNo', { header: 'authorityUi.approvals.referenceNo' }),
        col.accessor('matterName', { header: 'authorityUi.approvals.matter' }),
        col.accessor('requesterName', { header: 'authorityUi.approvals.requester' }),
        col.accessor('approverName', { header: 'authorityUi.approvals.approver' }),
        col.accessor((r) => amount(r.amount, r.unit), { id: 'amount', header: 'authorityUi.approvals.amount' }),
        col.accessor('approvedOn', { header: 'authorityUi.approvals.approvedOn' }),
        col.accessor('executedOn', { header: 'authorityUi.approvals.executedOn' }),
        col.accessor('vendor', { header: 'authorityUi.approvals.vendor' }),
        col.accessor('minutesRef', { header: 'authorityUi.approvals.minutesRef' }),
        col.accessor((r) => (r.viaDelegationId ? `#${r.viaDelegationId} ${r.delegatorName ?? ''}` : ''), { id: 'delegation', header: 'authorityUi.approvals.delegation' }),
      ]),
    [amount],
  );

  return (
    <div>
      <CrudGrid
        testId="approvals-grid"
        data={rows}
        columns={columns}
        getRowId={(r) => String(r.id)}
        loading={loading}
        canWrite={canWrite}
        editable={false} // a record is evidence: delete it and enter it again, never alter it
        rowName={(r) => r.referenceNo}
        onDelete={(r) => remove.mutate({ id: r.id })}
        form={({ onClose }) => <ApprovalForm onClose={onClose} />}
        toolbar={
          <>
            {canWrite && (
              <Button variant="default" onClick={() => void navigate('/authority/import')} data-testid="approvals-import">
                {t('authorityUi.tabs.import')}
              </Button>
            )}
            <Select
              placeholder={t('authorityUi.approvals.matter')}
              data={matterOptions}
              value={matterId}
              onChange={(v) => {
                setMatterId(v);
                setCursors([undefined]);
              }}
              clearable
              w={200}
            />
            <TextInput
              placeholder={t('authorityUi.approvals.search')}
              value={search}
              onChange={(e) => {
                setSearch(e.currentTarget.value);
                setCursors([undefined]);
              }}
              w={200}
            />
          </>
        }
        footer={
          nextBeforeId != null && (
            <Button variant="default" size="xs" onClick={() => setCursors((c) => [...c, nextBeforeId])} data-testid="load-more">
              {t('common.loadMore')}
            </Button>
          )
        }
      />
      {imports.length > 0 && (
        <div>
          <Title order={5} mt="lg" mb="xs">
            {t('authorityUi.approvals.imports')}
          </Title>
          <Table withTableBorder verticalSpacing={4} data-testid="imports-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>{t('authorityUi.approvals.fileName')}</Table.Th>
                <Table.Th>{t('authorityUi.approvals.rows')}</Table.Th>
                <Table.Th>{t('authorityUi.approvals.importedBy')}</Table.Th>
                <Table.Th>{t('authorityUi.approvals.importedAt')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {imports.map((b) => (
                <Table.Tr key={b.id}>
                  <Table.Td>{b.id}</Table.Td>
                  <Table.Td>{b.fileName}</Table.Td>
                  <Table.Td>{b.rowCount}</Table.Td>
                  <Table.Td>{b.importedBy}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{new Date(b.importedAt).toLocaleString(i18n.language)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {canWrite && (
                      <Group gap={4}>
                        <RowActions name={b.fileName} onDelete={() => undoImport.mutate({ id: b.id })} />
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </div>
  );
}
