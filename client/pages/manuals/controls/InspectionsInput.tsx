import { ActionIcon, Button, Group, Input, Paper, Select, Stack, Text, Textarea } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { INSPECTION_METHODS } from '../../../../shared/controls.ts';
import type { ControlFormValues } from './ControlSection.tsx';

/** Inspection points: how an auditor tests the control (method + procedure), added and removed in place. */
export function InspectionsInput({ form }: { form: UseFormReturnType<ControlFormValues> }) {
  const { t } = useTranslation();
  const methods = INSPECTION_METHODS.map((m) => ({ value: m, label: t(`inspectionMethods.${m}`) }));
  const list = form.values.inspections;
  return (
    <Input.Wrapper label={t('controlPanel.inspections')} error={form.errors.inspections} data-testid="control-inspections">
      <Stack gap={6} mt={4}>
        {list.length === 0 && (
          <Text size="xs" c="dimmed">
            {t('controlPanel.noInspections')}
          </Text>
        )}
        {list.map((_, i) => (
          <Paper key={i} withBorder p={6} data-testid={`control-inspection-${i}`}>
            <Group gap={6} align="flex-start" wrap="nowrap">
              <Stack gap={4} style={{ flex: 1 }}>
                <Select
                  size="xs"
                  data={methods}
                  allowDeselect={false}
                  aria-label={t('controlPanel.inspectionMethod')}
                  data-testid={`control-inspection-method-${i}`}
                  {...form.getInputProps(`inspections.${i}.method`)}
                />
                <Textarea
                  size="xs"
                  autosize
                  minRows={1}
                  maxRows={5}
                  placeholder={t('controlPanel.inspectionProcedure')}
                  aria-label={t('controlPanel.inspectionProcedure')}
                  data-testid={`control-inspection-procedure-${i}`}
                  {...form.getInputProps(`inspections.${i}.procedure`)}
                />
              </Stack>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('controlPanel.removeInspection')}
                title={t('controlPanel.removeInspection')}
                onClick={() => form.removeListItem('inspections', i)}
                data-testid={`control-inspection-remove-${i}`}
              >
                ✕
              </ActionIcon>
            </Group>
          </Paper>
        ))}
        <Group>
          <Button
            size="compact-xs"
            variant="subtle"
            onClick={() => form.insertListItem('inspections', { method: 'walkthrough', procedure: '' })}
            data-testid="control-inspection-add"
          >
            + {t('controlPanel.addInspection')}
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
