import { useEffect, useMemo } from 'react';
import { Button, Card, Fieldset, Group, Loader, NumberInput, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  AUTOMATIONS,
  CONTROL_NATURES,
  defaultWeight,
  ELEMENTS,
  FREQUENCIES,
  SCORING_METHODS,
  type ControlAttributes,
} from '../../../../shared/controls.ts';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.ts';
import { saveForm } from '../../../lib/errors.ts';
import { useDuties } from '../../../lib/duty-names.ts';
import type { Position } from '../../../lib/org-types.ts';
import { checkWeight } from './matrix-editing.ts';
import { useMatrix, useRefreshControls } from './use-control-mutations.ts';
import { EvidenceTypesInput } from './EvidenceTypesInput.tsx';
import { InspectionsInput } from './InspectionsInput.tsx';
import { withNote } from '../../../lib/punct.ts';

type ControlDetail = RouterOutputs['controls']['get'];
const NO_POSITIONS: Position[] = [];

function formValues(c: ControlDetail) {
  return {
    objective: c.objective,
    risk: c.risk,
    isKey: c.isKey,
    weight: c.weight == null ? '' : String(c.weight),
    nature: c.nature as string,
    automation: c.automation as string,
    frequency: c.frequency as string,
    ownerPositionId: c.ownerPositionId == null ? null : String(c.ownerPositionId),
    evidenceTypes: c.evidenceTypes,
    inspections: c.inspections.map((i) => ({ method: i.method as string, procedure: i.procedure })),
    scoringMethod: c.scoringMethod as string,
    tolerance: c.tolerance as number | string,
    element: c.element as string,
    checkedDuty: c.checkedDuty,
  };
}
export type ControlFormValues = ReturnType<typeof formValues>;

/** Side panel section for a control point: its attributes (docs/design.md §3.3), saved together. */
export function ControlSection({ controlId, manualId, canWrite }: { controlId: number; manualId: number; canWrite: boolean }) {
  const trpc = useTRPC();
  const control = useQuery(trpc.controls.get.queryOptions({ controlId }));
  if (control.isPending) return <Loader size="sm" />;
  if (control.isError) return <Text c="red">{control.error.message}</Text>;
  return <ControlForm key={controlId} control={control.data} manualId={manualId} canWrite={canWrite} />;
}

function ControlForm({ control, manualId, canWrite }: { control: ControlDetail; manualId: number; canWrite: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const refresh = useRefreshControls();
  const update = useMutation(trpc.controls.update.mutationOptions());
  const matrix = useMatrix(manualId).data;
  const positions = useQuery({ ...trpc.org.positions.list.queryOptions({}), staleTime: 60_000 }).data ?? NO_POSITIONS;
  const duties = useDuties();
  const form = useForm({
    mode: 'controlled',
    initialValues: formValues(control),
    validate: {
      weight: (v) => checkWeight(v, t).error,
      tolerance: (v) => (Number.isInteger(Number(v)) && Number(v) >= 0 ? null : t('controlPanel.toleranceError')),
    },
  });
  // saved or changed elsewhere: take the server's values for fields not being edited
  const serverValues = formValues(control);
  const serverKey = JSON.stringify(serverValues);
  useEffect(() => {
    const next = { ...form.getValues() } as Record<string, unknown>;
    for (const [field, value] of Object.entries(serverValues)) if (!form.isDirty(field)) next[field] = value;
    form.setInitialValues(serverValues);
    form.setValues(next as ControlFormValues);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serverKey]);

  const defaults = matrix?.manual ?? { keyWeight: 3, generalWeight: 1 };
  const positionOptions = useMemo(
    () => positions.map((p) => ({ value: String(p.id), label: withNote(t, p.name, p.unitName) })),
    [positions, t],
  );
  const options = (list: readonly string[], ns: string) => list.map((v) => ({ value: v, label: t(`${ns}.${v}`) }));

  const submit = form.onSubmit(async (v) => {
    const data: Partial<ControlAttributes> = {
      objective: v.objective,
      risk: v.risk,
      isKey: v.isKey,
      weight: checkWeight(v.weight, t).value,
      nature: v.nature as ControlAttributes['nature'],
      automation: v.automation as ControlAttributes['automation'],
      frequency: v.frequency as ControlAttributes['frequency'],
      ownerPositionId: v.ownerPositionId ? Number(v.ownerPositionId) : null,
      evidenceTypes: v.evidenceTypes,
      inspections: v.inspections.map((i) => ({ method: i.method as ControlAttributes['inspections'][number]['method'], procedure: i.procedure })),
      scoringMethod: v.scoringMethod as ControlAttributes['scoringMethod'],
      tolerance: Number(v.tolerance),
      element: v.element as ControlAttributes['element'],
      checkedDuty: v.checkedDuty,
    };
    await saveForm(form, 'common.saved', async () => {
      await update.mutateAsync({ controlId: control.id, data });
      await refresh();
    });
  });

  return (
    <Card withBorder data-testid="control-section">
      <form onSubmit={submit} noValidate>
        <Fieldset variant="unstyled" disabled={!canWrite}>
          <Stack gap="xs">
            <Title order={5}>{t('controlPanel.title')}</Title>
            <Textarea label={t('matrix.objective')} autosize minRows={2} maxRows={6} data-testid="control-objective" {...form.getInputProps('objective')} />
            <Textarea label={t('matrix.risk')} autosize minRows={2} maxRows={6} data-testid="control-risk" {...form.getInputProps('risk')} />
            <SimpleGrid cols={2} spacing="xs">
              <Switch
                mt={28}
                label={form.values.isKey ? t('controlLevels.key') : t('controlLevels.general')}
                data-testid="control-is-key"
                {...form.getInputProps('isKey', { type: 'checkbox' })}
              />
              <TextInput
                label={t('matrix.weight')}
                description={t('controlPanel.weightHint')}
                placeholder={String(defaultWeight(form.values.isKey, defaults))}
                data-testid="control-weight"
                {...form.getInputProps('weight')}
              />
              <Select label={t('matrix.nature')} data={options(CONTROL_NATURES, 'controlNatures')} allowDeselect={false} data-testid="control-nature" {...form.getInputProps('nature')} />
              <Select label={t('matrix.automation')} data={options(AUTOMATIONS, 'automations')} allowDeselect={false} data-testid="control-automation" {...form.getInputProps('automation')} />
              <Select label={t('matrix.frequency')} data={options(FREQUENCIES, 'frequencies')} allowDeselect={false} data-testid="control-frequency" {...form.getInputProps('frequency')} />
              <Select label={t('matrix.element')} data={options(ELEMENTS, 'elements')} allowDeselect={false} data-testid="control-element" {...form.getInputProps('element')} />
            </SimpleGrid>
            <Select
              label={t('controlPanel.ownerPosition')}
              description={t('controlPanel.ownerHint')}
              data={positionOptions}
              searchable
              clearable
              data-testid="control-owner"
              {...form.getInputProps('ownerPositionId')}
            />
            <EvidenceTypesInput
              manualId={manualId}
              custom={matrix?.evidenceTypes ?? []}
              canWrite={canWrite}
              value={form.values.evidenceTypes}
              onChange={(v) => form.setFieldValue('evidenceTypes', v)}
              error={form.errors.evidenceTypes}
            />
            <InspectionsInput form={form} />
            <SimpleGrid cols={2} spacing="xs">
              <Select label={t('matrix.scoringMethod')} data={options(SCORING_METHODS, 'scoringMethods')} allowDeselect={false} data-testid="control-scoring" {...form.getInputProps('scoringMethod')} />
              <NumberInput
                label={t('controlPanel.tolerance')}
                description={t('controlPanel.toleranceHint')}
                min={0}
                allowDecimal={false}
                data-testid="control-tolerance"
                {...form.getInputProps('tolerance')}
              />
            </SimpleGrid>
            <Select
              label={t('controlPanel.checkedDuty')}
              description={t('controlPanel.checkedDutyHint')}
              data={duties.options}
              clearable
              data-testid="control-checked-duty"
              {...form.getInputProps('checkedDuty')}
            />
            {canWrite && (
              <Group justify="flex-end">
                <Button variant="default" onClick={() => form.reset()} disabled={!form.isDirty()}>
                  {t('common.cancel')}
                </Button>
                <Button type="submit" loading={update.isPending} data-testid="control-save">
                  {t('controlPanel.save')}
                </Button>
              </Group>
            )}
          </Stack>
        </Fieldset>
      </form>
    </Card>
  );
}
