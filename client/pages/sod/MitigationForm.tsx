import { Alert, NumberInput, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { todayIso } from '../../../shared/sod.ts';
import { addDays } from '../../../shared/dates.ts';
import { useInvalidateSod } from './use-sod.tsx';
import type { SodConflict } from './sod-types.ts';
import { conflictSubject } from './conflict-text.ts';

/** Accept one open conflict: a mitigating control and an expiry date are required. */
export function MitigationForm(props: { conflict: SodConflict; nameOf: (code: string) => string; onClose: () => void }) {
  const { conflict, onClose } = props;
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateSod();
  const create = useMutation(trpc.sod.mitigations.create.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: { mitigatingControl: '', controlNodeId: '' as number | string, validFrom: todayIso(), expiresOn: addDays(todayIso(), 90) },
  });

  const submit = form.onSubmit((values) =>
    saveForm(form, 'sodPage.mitigations.saved', async () => {
      await create.mutateAsync({
        conflictKey: conflict.key,
        mitigatingControl: values.mitigatingControl,
        controlNodeId: values.controlNodeId === '' ? null : Number(values.controlNodeId),
        validFrom: values.validFrom,
        expiresOn: values.expiresOn,
      });
      await invalidate();
      onClose();
    }),
  );

  return (
    <FormModal opened onClose={onClose} title={t('sodPage.mitigations.createTitle')} onSubmit={submit} saving={create.isPending} testId="mitigation-form">
      <Alert color="orange" variant="light">
        <Text size="sm" fw={600}>
          {conflict.ruleCode ?? t(`sod.conflictKinds.${conflict.kind}`)} · {conflictSubject(conflict, t, props.nameOf)}
        </Text>
        <Text size="sm">{t('sodPage.mitigations.formHint')}</Text>
      </Alert>
      <Textarea
        label={t('sodPage.mitigations.control')}
        autosize
        minRows={3}
        required
        data-testid="mitigation-control"
        {...form.getInputProps('mitigatingControl')}
      />
      <NumberInput
        label={t('sodPage.mitigations.controlNode')}
        description={t('sodPage.mitigations.controlNodeHint')}
        min={1}
        allowDecimal={false}
        {...form.getInputProps('controlNodeId')}
      />
      <TextInput
        type="date"
        label={t('sodPage.mitigations.validFrom')}
        description={t('sodPage.mitigations.validFromHint')}
        required
        data-testid="mitigation-from"
        {...form.getInputProps('validFrom')}
      />
      <TextInput type="date" label={t('sodPage.mitigations.expiresOn')} required data-testid="mitigation-expires" {...form.getInputProps('expiresOn')} />
    </FormModal>
  );
}
