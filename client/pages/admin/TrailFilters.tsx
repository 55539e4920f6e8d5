import { Button, Group, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc.ts';

export interface TrailFilter {
  entity?: string;
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

const ACTIONS = ['create', 'update', 'delete', 'login', 'logout', 'change_password', 'reset_password'];
const EMPTY = { entity: null as string | null, action: null as string | null, actor: '', from: '', to: '' };

/** Translate a catalog key (`entities.x`, `actions.x`), falling back to the raw value. */
export function useCatalogLabel() {
  const { t, i18n } = useTranslation();
  return (group: 'entities' | 'actions', value: string) =>
    i18n.exists(`${group}.${value}`) ? t(`${group}.${value}`) : value;
}

export function TrailFilters({ onApply }: { onApply: (filter: TrailFilter) => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const label = useCatalogLabel();
  const entities = useQuery(trpc.trail.entities.queryOptions()).data ?? [];
  const form = useForm({ mode: 'controlled', initialValues: EMPTY });
  const apply = (v: typeof EMPTY) =>
    onApply({
      entity: v.entity || undefined,
      action: v.action || undefined,
      actor: v.actor.trim() || undefined,
      from: v.from || undefined,
      to: v.to || undefined,
    });
  return (
    <form onSubmit={form.onSubmit(apply)} data-testid="trail-filters">
      <Group align="flex-end" gap="sm" mb="md" wrap="wrap">
        <Select
          label={t('trail.entity')}
          data={entities.map((e) => ({ value: e, label: label('entities', e) }))}
          clearable
          w={160}
          {...form.getInputProps('entity')}
        />
        <Select
          label={t('trail.action')}
          data={ACTIONS.map((a) => ({ value: a, label: label('actions', a) }))}
          clearable
          w={160}
          {...form.getInputProps('action')}
        />
        <TextInput label={t('trail.actor')} w={140} {...form.getInputProps('actor')} />
        <TextInput type="date" label={t('trail.from')} {...form.getInputProps('from')} />
        <TextInput type="date" label={t('trail.to')} {...form.getInputProps('to')} />
        <Button type="submit">{t('trail.apply')}</Button>
        <Button
          variant="default"
          onClick={() => {
            form.reset();
            apply(EMPTY);
          }}
        >
          {t('trail.clear')}
        </Button>
      </Group>
    </form>
  );
}
