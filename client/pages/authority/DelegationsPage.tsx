import { useMemo, useState } from 'react';
import { Badge, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { today, useAmount, useInvalidateAuthority, type Delegation } from './authority-data.ts';
import { DelegationForm } from './DelegationForm.tsx';

const col = gridColumnHelper<Delegation>();
const NO_ROWS: Delegation[] = [];

function statusOf(d: Delegation, on: string): 'active' | 'expired' | 'future' | 'revoked' {
  if (d.revokedAt && d.revokedAt.slice(0, 10) <= on) return 'revoked';
  if (on < d.validFrom) return 'future';
  return on > d.validTo ? 'expired' : 'active';
}
const STATUS_COLORS = { active: 'teal', expired: 'gray', future: 'blue', revoked: 'red' } as const;

function RevokeModal({ delegation, onClose }: { delegation: Delegation; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateAuthority();
  const [on, setOn] = useState(today());
  const revoke = useMutation(
    trpc.authority.delegations.revoke.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess('authorityUi.delegations.revoked');
        onClose();
      },
      onError: notifyError,
    }),
  );
  return (
    <Modal opened onClose={onClose} title={t('authorityUi.delegations.revokeTitle', { id: delegation.id })} centered>
      <Stack>
        <Text size="sm">
          {delegation.delegatorName} → {delegation.delegateName} · {delegation.matterName}
        </Text>
        <TextInput type="date" label={t('authorityUi.delegations.revokedOn')} description={t('authorityUi.delegations.revokeHint')} value={on} onChange={(e) => setOn(e.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate({ id: delegation.id, revokedOn: on || null })} data-testid="revoke-confirm">
            {t('authorityUi.delegations.revoke')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Delegations (授权委托): who lets whom approve what, up to which cap, for how long; responsibility stays with the delegator. */
export function DelegationsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('authority.write');
  const amount = useAmount();
  const [revoking, setRevoking] = useState<Delegation | null>(null);
  const list = useQuery(trpc.authority.delegations.list.queryOptions({}));
  const invalidate = useInvalidateAuthority();
  const remove = useMutation(
    trpc.authority.delegations.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess('common.deleted');
      },
      onError: notifyError,
    }),
  );
  const on = today();
  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('id', { header: '#' }),
        col.accessor('matterName', { header: 'authorityUi.delegations.matter' }),
        col.accessor('delegatorName', { header: 'authorityUi.delegations.delegator' }),
        col.accessor('delegateName', { header: 'authorityUi.delegations.delegate' }),
        col.accessor((d) => (d.cap == null ? '' : amount(d.cap, d.unit)), { id: 'cap', header: 'authorityUi.delegations.cap' }),
        col.accessor('validFrom', { header: 'authorityUi.delegations.validFrom' }),
        col.accessor('validTo', { header: 'authorityUi.delegations.validTo' }),
        col.accessor('maxDepth', { header: 'authorityUi.delegations.maxDepth' }),
        col.accessor((d) => (d.parentId ? `#${d.parentId}` : ''), { id: 'parent', header: 'authorityUi.delegations.parent' }),
        col.accessor((d) => statusOf(d, on), {
          id: 'status',
          header: 'authorityUi.delegations.status',
          cell: (i) => (
            <Badge size="sm" variant="light" color={STATUS_COLORS[i.getValue()]}>
              {t(`authorityUi.delegations.statuses.${i.getValue()}`)}
            </Badge>
          ),
        }),
        col.accessor('recordCount', { header: 'authorityUi.delegations.recordCount' }),
        col.accessor('note', { header: 'authorityUi.delegations.note' }),
      ]),
    [t, on, amount],
  );
  const rows = list.data ?? NO_ROWS;
  return (
    <div>
      <CrudGrid
        testId="delegations-grid"
        data={rows}
        columns={columns}
        getRowId={(d) => String(d.id)}
        loading={list.isPending}
        canWrite={canWrite}
        rowName={(d) => `#${d.id}`}
        onDelete={(d) => remove.mutate({ id: d.id })}
        rowExtras={(d) =>
          !d.revokedAt && (
            <Button size="compact-xs" variant="light" color="orange" onClick={() => setRevoking(d)} data-testid="delegation-revoke">
              {t('authorityUi.delegations.revoke')}
            </Button>
          )
        }
        form={({ row, onClose }) => <DelegationForm delegation={row} all={rows} onClose={onClose} />}
      />
      {revoking && <RevokeModal delegation={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}
