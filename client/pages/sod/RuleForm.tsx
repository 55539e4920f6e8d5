import { SegmentedControl, Select, Switch, TextInput, Textarea, Input } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import { useDuties } from '../../lib/duty-names.ts';
import { RISK_LEVELS, SOD_SCOPES, type RiskLevel, type SodRuleKind, type SodScope } from '../../../shared/sod.ts';
import { useInvalidateSod } from './use-sod.tsx';
import type { SodRule } from './sod-types.ts';

/** Create (rule undefined) or edit one incompatible-duty rule: duty ↔ duty or position ↔ position. */
export function RuleForm({ rule, onClose }: { rule?: SodRule; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateSod();
  const { options: dutyOptions } = useDuties();
  const positions = useQuery(trpc.org.positions.list.queryOptions({})).data ?? [];
  const positionOptions = positions.map((p) => ({ value: String(p.id), label: `${p.name} (${p.code}) · ${p.unitName}` }));
  const create = useMutation(trpc.sod.rules.create.mutationOptions());
  const update = useMutation(trpc.sod.rules.update.mutationOptions());
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      code: rule?.code ?? '',
      kind: (rule?.kind ?? 'duty') as SodRuleKind,
      dutyA: rule?.dutyA ?? null,
      dutyB: rule?.dutyB ?? null,
      positionA: rule?.positionA == null ? null : String(rule.positionA),
      positionB: rule?.positionB == null ? null : String(rule.positionB),
      scope: (rule?.scope ?? 'same_person') as SodScope,
      risk: (rule?.risk ?? 'high') as RiskLevel,
      rationale: rule?.rationale ?? '',
      basis: rule?.basis ?? '',
      active: rule?.active ?? true,
    },
  });

  const submit = form.onSubmit((v) => {
    const data = {
      ...v,
      positionA: v.positionA ? Number(v.positionA) : null,
      positionB: v.positionB ? Number(v.positionB) : null,
    };
    return saveForm(form, 'common.saved', async () => {
      if (rule) await update.mutateAsync({ id: rule.id, data });
      else await create.mutateAsync(data);
      await invalidate();
      onClose();
    });
  });

  const side = (field: 'dutyA' | 'dutyB' | 'positionA' | 'positionB') => (
    <Select
      label={t(`sod.fields.${field}`)}
      data={field.startsWith('duty') ? dutyOptions : positionOptions}
      searchable
      required
      data-testid={`rule-${field}`}
      {...form.getInputProps(field)}
    />
  );

  return (
    <FormModal
      opened
      onClose={onClose}
      title={t(rule ? 'sodPage.rules.editTitle' : 'sodPage.rules.createTitle')}
      onSubmit={submit}
      saving={create.isPending || update.isPending}
      testId="rule-form"
    >
      <TextInput label={t('sodPage.rules.code')} required data-testid="rule-code" {...form.getInputProps('code')} />
      <Input.Wrapper label={t('sodPage.rules.kind')}>
        <SegmentedControl
          fullWidth
          data={(['duty', 'position'] as const).map((k) => ({ value: k, label: t(`sod.ruleKinds.${k}`) }))}
          {...form.getInputProps('kind')}
        />
      </Input.Wrapper>
      {form.values.kind === 'duty' ? (
        <>
          {side('dutyA')}
          {side('dutyB')}
        </>
      ) : (
        <>
          {side('positionA')}
          {side('positionB')}
        </>
      )}
      <Select
        label={t('sodPage.rules.scope')}
        description={t('sodPage.rules.scopeHint')}
        data={SOD_SCOPES.map((s) => ({ value: s, label: t(`sod.scopes.${s}`) }))}
        allowDeselect={false}
        {...form.getInputProps('scope')}
      />
      <Select
        label={t('sodPage.rules.risk')}
        data={RISK_LEVELS.map((r) => ({ value: r, label: t(`sod.risks.${r}`) }))}
        allowDeselect={false}
        {...form.getInputProps('risk')}
      />
      <Textarea label={t('sodPage.rules.rationale')} autosize minRows={2} required data-testid="rule-rationale" {...form.getInputProps('rationale')} />
      <TextInput label={t('sodPage.rules.basis')} description={t('sodPage.rules.basisHint')} {...form.getInputProps('basis')} />
      <Switch label={t('sodPage.rules.active')} {...form.getInputProps('active', { type: 'checkbox' })} />
    </FormModal>
  );
}
