import { useState } from 'react';
import { Alert, Button, Group, List, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { today, useAuthorityLookups, useInvalidateAuthority, type Violation } from './authority-data.ts';
import { useDescribeViolation } from './ViolationsPage.tsx';
import { withNote } from '../../lib/punct.ts';

const id = (v: string | null) => (v ? Number(v) : 0);

/** Enter one approval record; after saving, show the violations it has right away. */
export function ApprovalForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateAuthority();
  const describe = useDescribeViolation();
  const { matterOptions, personOptions, matterById } = useAuthorityLookups();
  const [found, setFound] = useState<Violation[] | null>(null);
  const create = useMutation(trpc.authority.approvals.create.mutationOptions());
  const delegations = useQuery(trpc.authority.delegations.list.queryOptions({})).data ?? [];
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      matterId: null as string | null,
      referenceNo: '',
      requesterId: null as string | null,
      approverId: null as string | null,
      amount: '' as number | '',
      approvedOn: today(),
      executedOn: '',
      vendor: '',
      minutesRef: '',
      viaDelegationId: null as string | null,
    },
  });
  const matter = form.values.matterId ? matterById.get(Number(form.values.matterId)) : undefined;
  const delegationOptions = delegations
    .filter((d) => String(d.matterId) === form.values.matterId && String(d.delegateId) === form.values.approverId)
    .map((d) => ({ value: String(d.id), label: withNote(t, `#${d.id} ${d.delegatorName} → ${d.delegateName}`, `${d.validFrom} – ${d.validTo}`) }));

  const submit = form.onSubmit(async (v) => {
    await saveForm(form, 'common.saved', async () => {
      const res = await create.mutateAsync({
        matterId: id(v.matterId),
        referenceNo: v.referenceNo,
        requesterId: id(v.requesterId),
        approverId: id(v.approverId),
        amount: v.amount === '' ? null : Number(v.amount),
        approvedOn: v.approvedOn,
        executedOn: v.executedOn || null,
        vendor: v.vendor || null,
        minutesRef: v.minutesRef || null,
        viaDelegationId: v.viaDelegationId ? Number(v.viaDelegationId) : null,
      });
      await invalidate();
      setFound(res.violations);
    });
  });

  if (found) {
    return (
      <Modal opened onClose={onClose} title={t('authorityUi.approvals.createTitle')} size="lg" centered>
        <Stack data-testid="approval-result">
          {found.length ? (
            <Alert color="red" title={t('authorityUi.approvals.violationsFound', { count: found.length })}>
              <List size="sm">
                {found.map((v) => (
                  <List.Item key={`${v.kind}-${v.basis ?? ''}`}>{describe(v)}</List.Item>
                ))}
              </List>
            </Alert>
          ) : (
            <Alert color="teal">{t('authorityUi.approvals.noViolations')}</Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('common.confirm')}</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }
  return (
    <FormModal opened onClose={onClose} title={t('authorityUi.approvals.createTitle')} onSubmit={submit} saving={create.isPending} testId="approval-form">
      <Select label={t('authorityUi.approvals.matter')} data={matterOptions} data-testid="approval-matter" searchable required {...form.getInputProps('matterId')} />
      <TextInput label={t('authorityUi.approvals.referenceNo')} data-testid="approval-reference" required {...form.getInputProps('referenceNo')} />
      <Select label={t('authorityUi.approvals.requester')} data={personOptions} data-testid="approval-requester" searchable required {...form.getInputProps('requesterId')} />
      <Select label={t('authorityUi.approvals.approver')} data={personOptions} data-testid="approval-approver" searchable required {...form.getInputProps('approverId')} />
      <NumberInput label={t('authorityUi.approvals.amount')} min={0} decimalScale={2} thousandSeparator="," disabled={matter?.unit === 'none'} data-testid="approval-amount" {...form.getInputProps('amount')} />
      <TextInput type="date" label={t('authorityUi.approvals.approvedOn')} required {...form.getInputProps('approvedOn')} />
      <TextInput type="date" label={t('authorityUi.approvals.executedOn')} {...form.getInputProps('executedOn')} />
      <TextInput label={t('authorityUi.approvals.vendor')} {...form.getInputProps('vendor')} />
      <TextInput label={t('authorityUi.approvals.minutesRef')} {...form.getInputProps('minutesRef')} />
      <Select label={t('authorityUi.approvals.delegation')} data={delegationOptions} clearable {...form.getInputProps('viaDelegationId')} />
    </FormModal>
  );
}
