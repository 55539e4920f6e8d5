import { NumberInput, Select, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { today, useAuthorityLookups, useInvalidateAuthority, type Delegation } from './authority-data.ts';
import { withNote } from '../../lib/punct.ts';

const id = (v: string | null) => (v ? Number(v) : 0);

export function DelegationForm({ delegation, all, onClose }: { delegation?: Delegation; all: Delegation[]; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateAuthority();
  const { matterOptions, personOptions } = useAuthorityLookups();
  const create = useMutation(trpc.authority.delegations.create.mutationOptions());
  const update = useMutation(trpc.authority.delegations.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      delegatorId: delegation ? String(delegation.delegatorId) : null,
      delegateId: delegation ? String(delegation.delegateId) : null,
      matterId: delegation ? String(delegation.matterId) : null,
      cap: (delegation?.cap ?? '') as number | '',
      validFrom: delegation?.validFrom ?? today(),
      validTo: delegation?.validTo ?? '',
      maxDepth: delegation?.maxDepth ?? 0,
      parentId: delegation?.parentId ? String(delegation.parentId) : null,
      note: delegation?.note ?? '',
    },
  });
  const matterId = form.values.matterId ? Number(form.values.matterId) : null;
  const parentOptions = all
    .filter((d) => d.id !== delegation?.id && d.matterId === matterId && !d.revokedAt)
    .map((d) => ({ value: String(d.id), label: withNote(t, `#${d.id} ${d.delegatorName} → ${d.delegateName}`, `${d.validFrom} – ${d.validTo}`) }));
  const submit = form.onSubmit(async (v) => {
    const data = {
      delegatorId: id(v.delegatorId),
      delegateId: id(v.delegateId),
      matterId: id(v.matterId),
      cap: v.cap === '' ? null : Number(v.cap),
      validFrom: v.validFrom,
      validTo: v.validTo,
      maxDepth: Number(v.maxDepth),
      parentId: v.parentId ? Number(v.parentId) : null,
      note: v.note,
    };
    await saveForm(form, 'common.saved', async () => {
      if (delegation) await update.mutateAsync({ id: delegation.id, data });
      else await create.mutateAsync(data);
      await invalidate();
      onClose();
    });
  });
  return (
    <FormModal
      opened
      onClose={onClose}
      title={delegation ? t('authorityUi.delegations.editTitle', { id: delegation.id }) : t('authorityUi.delegations.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="delegation-form"
    >
      <Select label={t('authorityUi.delegations.matter')} data={matterOptions} searchable required {...form.getInputProps('matterId')} data-testid="delegation-matter" />
      <Select label={t('authorityUi.delegations.delegator')} data={personOptions} searchable required {...form.getInputProps('delegatorId')} data-testid="delegation-delegator" />
      <Select label={t('authorityUi.delegations.delegate')} data={personOptions} searchable required {...form.getInputProps('delegateId')} data-testid="delegation-delegate" />
      <NumberInput label={t('authorityUi.delegations.cap')} description={t('authorityUi.delegations.capHint')} min={0} decimalScale={2} thousandSeparator="," {...form.getInputProps('cap')} />
      <TextInput type="date" label={t('authorityUi.delegations.validFrom')} required {...form.getInputProps('validFrom')} />
      <TextInput type="date" label={t('authorityUi.delegations.validTo')} required {...form.getInputProps('validTo')} />
      <NumberInput label={t('authorityUi.delegations.maxDepth')} min={0} max={5} allowDecimal={false} {...form.getInputProps('maxDepth')} />
      <Select label={t('authorityUi.delegations.parent')} placeholder={t('authorityUi.delegations.noParent')} data={parentOptions} clearable {...form.getInputProps('parentId')} />
      <Textarea label={t('authorityUi.delegations.note')} autosize minRows={2} {...form.getInputProps('note')} />
    </FormModal>
  );
}
