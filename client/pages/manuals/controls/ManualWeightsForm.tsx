import { Button, Group, NumberInput, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { saveForm } from '../../../lib/errors.ts';
import { checkWeight } from './matrix-editing.ts';
import { useSetWeights } from './use-control-mutations.ts';

/** The manual's default weights (key / general): what every control without its own weight counts. */
export function ManualWeightsForm({ manualId, keyWeight, generalWeight, canWrite }: { manualId: number; keyWeight: number; generalWeight: number; canWrite: boolean }) {
  const { t } = useTranslation();
  const setWeights = useSetWeights(manualId);
  const required = (v: number | string) => (String(v).trim() === '' ? t('errors.controls.weight') : checkWeight(String(v), t).error);
  const form = useForm<{ keyWeight: number | string; generalWeight: number | string }>({
    mode: 'controlled',
    initialValues: { keyWeight, generalWeight },
    validate: { keyWeight: required, generalWeight: required },
  });
  const submit = form.onSubmit(async (v) => {
    await saveForm(form, 'common.saved', async () => {
      const saved = await setWeights.mutateAsync({ manualId, keyWeight: Number(v.keyWeight), generalWeight: Number(v.generalWeight) });
      form.resetDirty({ keyWeight: saved.keyWeight, generalWeight: saved.generalWeight });
    });
  });
  return (
    <form onSubmit={submit} noValidate data-testid="manual-weights-form">
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <Text size="sm" fw={600} mt={6} style={{ whiteSpace: 'nowrap' }}>
          {t('matrix.defaultWeights')}
        </Text>
        <NumberInput
          size="xs"
          w={150}
          leftSection={<Text size="xs">{t('matrix.keyShort')}</Text>}
          leftSectionWidth={44}
          aria-label={t('controlLevels.key')}
          min={0}
          decimalScale={4}
          disabled={!canWrite}
          data-testid="manual-key-weight"
          {...form.getInputProps('keyWeight')}
        />
        <NumberInput
          size="xs"
          w={150}
          leftSection={<Text size="xs">{t('matrix.generalShort')}</Text>}
          leftSectionWidth={44}
          aria-label={t('controlLevels.general')}
          min={0}
          decimalScale={4}
          disabled={!canWrite}
          data-testid="manual-general-weight"
          {...form.getInputProps('generalWeight')}
        />
        {canWrite && (
          <Button size="xs" type="submit" variant="light" disabled={!form.isDirty()} loading={setWeights.isPending} data-testid="manual-weights-save">
            {t('common.save')}
          </Button>
        )}
      </Group>
    </form>
  );
}
