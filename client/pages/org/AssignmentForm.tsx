import { Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ASSIGNMENT_KINDS, type AssignmentKind } from '../../../shared/org.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { useInvalidateOrg } from '../../lib/use-org-mutations.ts';
import type { Assignment } from '../../lib/org-types.ts';

const today = () => new Date().toISOString().slice(0, 10);

export function AssignmentForm({ assignment, onClose }: { assignment?: Assignment; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateOrg();
  const people = useQuery(trpc.org.people.list.queryOptions()).data ?? [];
  const positions = useQuery(trpc.org.positions.list.queryOptions({})).data ?? [];
  const create = useMutation(trpc.org.assignments.create.mutationOptions());
  const update = useMutation(trpc.org.assignments.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      personId: assignment ? String(assignment.personId) : null,
      positionId: assignment ? String(assignment.positionId) : null,
      kind: (assignment?.kind ?? 'primary') as AssignmentKind,
      validFrom: assignment?.validFrom ?? today(),
      validTo: assignment?.validTo ?? '',
    },
  });

  const submit = form.onSubmit(async (values) => {
    const data = {
      personId: Number(values.personId),
      positionId: Number(values.positionId),
      kind: values.kind,
      validFrom: values.validFrom,
      validTo: values.validTo || null,
    };
    await saveForm(form, 'common.saved', async () => {
      if (assignment) await update.mutateAsync({ id: assignment.id, data });
      else await create.mutateAsync(data);
      await invalidate();
      onClose();
    });
  });

  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(assignment ? 'assignments.editTitle' : 'assignments.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="assignment-form"
    >
      <Select
        label={t('assignments.person')}
        data={people.map((p) => ({ value: String(p.id), label: `${p.name} (${p.employeeNo})` }))}
        searchable
        required
        {...form.getInputProps('personId')}
      />
      <Select
        label={t('assignments.position')}
        data={positions.map((p) => ({ value: String(p.id), label: `${p.unitName} / ${p.name}` }))}
        searchable
        required
        {...form.getInputProps('positionId')}
      />
      <Select
        label={t('assignments.kind')}
        data={ASSIGNMENT_KINDS.map((k) => ({ value: k, label: t(`assignmentKinds.${k}`) }))}
        allowDeselect={false}
        required
        {...form.getInputProps('kind')}
      />
      <TextInput type="date" label={t('assignments.validFrom')} required {...form.getInputProps('validFrom')} />
      <TextInput type="date" label={t('assignments.validTo')} {...form.getInputProps('validTo')} />
    </FormModal>
  );
}
