import { useEffect, useRef, type FormEvent, type KeyboardEvent, type Ref } from 'react';
import { Badge, Button, Card, Group, NumberInput, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { EVIDENCE_STATUSES } from '../../../shared/audits.ts';
import { formatScore, GRADES, type ControlResult, type SampleSizeTable, type ScoringIssue } from '../../../shared/scoring.ts';
import type { AuditControl, AuditTest } from './audit-data.ts';
import { issueField, suggestedSize, type Count, type EvidenceValue, type TestFormValues } from './test-draft.ts';
import { labelled, withNote } from '../../lib/punct.ts';
import { formatDateTime } from '../../lib/format-date.ts';

const NONE = '__none';

/** The evidence type's name: a built-in one from shared/i18n, a custom one (x-…) as its code. */
function useEvidenceName() {
  const { t, i18n } = useTranslation();
  return (code: string) => (i18n.exists(`evidenceTypes.${code}`) ? t(`evidenceTypes.${code}`) : code);
}

/**
 * The test of one control: applicability, design, operating counts (or grade), the evidence
 * checklist and notes. Controlled: every change goes to `onChange` so the live score follows
 * the typing; Enter in a field saves and moves on (`onSubmit`).
 */
export function TestForm(props: {
  control: AuditControl;
  test: AuditTest | undefined;
  values: TestFormValues;
  onChange: (values: TestFormValues) => void;
  onSubmit: () => void;
  onDiscard: () => void;
  /** the draft's result by the shared resultOf (null while the values have issues) */
  result: ControlResult | null;
  issues: ScoringIssue[];
  /** server field errors of the last save */
  errors: Record<string, string>;
  sampleSizes: SampleSizeTable;
  dirty: boolean;
  saving: boolean;
  readOnly: boolean;
  /** focus the first field when the form opens (rapid entry from the form) */
  autoFocus: boolean;
}) {
  const { t } = useTranslation();
  const evidenceName = useEvidenceName();
  const { control, test, values, onChange, readOnly } = props;
  const firstField = useRef<HTMLInputElement>(null);
  const naReason = useRef<HTMLTextAreaElement>(null);
  const set = <K extends keyof TestFormValues>(key: K, value: TestFormValues[K]) => onChange({ ...values, [key]: value });
  const setEvidence = (i: number, patch: Partial<EvidenceValue>) =>
    onChange({ ...values, evidence: values.evidence.map((e, j) => (j === i ? { ...e, ...patch } : e)) });

  useEffect(() => {
    if (props.autoFocus) firstField.current?.focus();
    // only when the form opens for a control
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [control.id]);
  useEffect(() => {
    if (values.applicability === 'not_applicable' && !values.naReason) naReason.current?.focus();
  }, [values.applicability, values.naReason]);

  const issueText: Record<string, string> = {};
  for (const issue of props.issues) issueText[issueField(issue)] ??= t(issue.key, translateParams(t, issue.params));
  const errorOf = (field: string) => props.errors[field] ?? issueText[field];
  const suggested = suggestedSize(control, values, props.sampleSizes);
  const applicable = values.applicability === 'applicable';
  const operating = applicable && values.design === 'effective';
  const graded = control.scoringMethod === 'graded';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!readOnly) props.onSubmit();
  };
  // Ctrl/Cmd+Enter saves from the text areas too
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
  };
  const count = (field: 'population' | 'sampleSize' | 'samplesTested' | 'exceptions', ref?: Ref<HTMLInputElement>) => (
    <NumberInput
      ref={ref}
      size="xs"
      label={t(`scoring.fields.${field}`)}
      min={0}
      allowDecimal={false}
      allowNegative={false}
      value={values[field]}
      onChange={(v) => set(field, (typeof v === 'number' ? v : v === '' ? '' : Number(v)) as Count)}
      error={errorOf(field)}
      readOnly={readOnly}
      data-testid={`test-${field}`}
    />
  );

  return (
    <Card withBorder padding="sm" data-testid="test-form">
      <form onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        <Stack gap={8}>
          <div>
            <Group gap={6} wrap="nowrap">
              <Text fw={700} data-testid="test-control-number">
                {control.number}
              </Text>
              <Badge size="xs" color={control.isKey ? 'red' : 'gray'} variant={control.isKey ? 'filled' : 'light'}>
                {control.isKey ? t('controlLevels.key') : t('controlLevels.general')}
              </Badge>
              <Text size="xs" c="dimmed">
                {t('auditPages.test.weight', { weight: control.weight })}
              </Text>
            </Group>
            <Text size="sm" lineClamp={2}>
              {control.title}
            </Text>
            <Text size="xs" c="dimmed">
              {t(`scoringMethods.${control.scoringMethod}`)}
              {control.scoringMethod === 'binary' && control.tolerance > 0 ? ` · ${t('auditPages.test.tolerance', { tolerance: control.tolerance })}` : ''}
              {' · '}
              {t(`frequencies.${control.frequency}`)} · {t(`automations.${control.automation}`)}
              {control.ownerPositionName ? ` · ${control.ownerPositionName}` : ''}
              {control.unitName ? withNote(t, '', control.unitName) : ''}
            </Text>
            {control.inspections.map((ins, i) => (
              <Text key={i} size="xs" c="dimmed" lineClamp={2}>
                {labelled(t, t(`inspectionMethods.${ins.method}`))}{ins.procedure}
              </Text>
            ))}
          </div>

          <SegmentedControl
            size="xs"
            fullWidth
            value={values.applicability}
            onChange={(v) => set('applicability', v as TestFormValues['applicability'])}
            readOnly={readOnly}
            data={(['applicable', 'not_applicable', 'not_operated'] as const).map((a) => ({ value: a, label: t(`audits.applicabilities.${a}`) }))}
            data-testid="test-applicability"
          />
          {values.applicability === 'not_applicable' && (
            <Textarea
              ref={naReason}
              size="xs"
              label={t('auditPages.test.naReason')}
              required
              autosize
              minRows={1}
              value={values.naReason}
              onChange={(e) => set('naReason', e.currentTarget.value)}
              error={errorOf('naReason')}
              readOnly={readOnly}
              data-testid="test-na-reason"
            />
          )}
          {applicable && (
            <div>
              <Text size="xs" fw={500} mb={2}>
                {t('auditPages.test.design')}
              </Text>
              <SegmentedControl
                size="xs"
                fullWidth
                value={values.design ?? NONE}
                onChange={(v) => set('design', v === NONE ? null : (v as TestFormValues['design']))}
                readOnly={readOnly}
                color={values.design === 'deficient' ? 'red' : undefined}
                data={[
                  { value: NONE, label: t('auditPages.test.notAssessed') },
                  { value: 'effective', label: t('audits.designConclusions.effective') },
                  { value: 'deficient', label: t('audits.designConclusions.deficient') },
                ]}
                data-testid="test-design"
              />
            </div>
          )}
          {operating && (
            <>
              <Group grow gap="xs" align="flex-start">
                {count('population', firstField)}
                {count('sampleSize')}
              </Group>
              {suggested != null && !readOnly && (
                <Group gap={4}>
                  <Text size="xs" c="dimmed" data-testid="test-suggested-size">
                    {t('auditPages.test.suggested', { size: suggested })}
                  </Text>
                  {values.sampleSize !== suggested && (
                    <Button size="compact-xs" variant="subtle" onClick={() => set('sampleSize', suggested)} data-testid="test-use-suggested">
                      {t('auditPages.test.useSuggested')}
                    </Button>
                  )}
                </Group>
              )}
              {graded ? (
                <div>
                  <Text size="xs" fw={500} mb={2}>
                    {t('scoring.fields.grade')}
                  </Text>
                  <SegmentedControl
                    size="xs"
                    fullWidth
                    value={values.grade ?? NONE}
                    onChange={(v) => set('grade', v === NONE ? null : v)}
                    readOnly={readOnly}
                    data={[{ value: NONE, label: '–' }, ...GRADES.map((g) => ({ value: String(g), label: String(g) }))]}
                    data-testid="test-grade"
                  />
                  {errorOf('grade') && (
                    <Text size="xs" c="red">
                      {errorOf('grade')}
                    </Text>
                  )}
                </div>
              ) : (
                <Group grow gap="xs" align="flex-start">
                  {count('samplesTested')}
                  {count('exceptions')}
                </Group>
              )}
            </>
          )}

          {values.evidence.length > 0 && (
            <div data-testid="test-evidence">
              <Text size="xs" fw={500} mb={2}>
                {t('auditPages.test.evidence')}
              </Text>
              <Stack gap={4}>
                {values.evidence.map((e, i) => (
                  <Group key={e.evidenceType} gap={4} wrap="nowrap" data-testid={`evidence-${e.evidenceType}`}>
                    <Text size="xs" w={72} truncate title={evidenceName(e.evidenceType)}>
                      {evidenceName(e.evidenceType)}
                    </Text>
                    <SegmentedControl
                      size="xs"
                      value={e.status ?? NONE}
                      onChange={(v) => setEvidence(i, { status: v === NONE ? null : (v as EvidenceValue['status']) })}
                      readOnly={readOnly}
                      data={[
                        { value: NONE, label: '–' },
                        ...EVIDENCE_STATUSES.map((s) => ({ value: s, label: t(`audits.evidenceStatuses.${s}`) })),
                      ]}
                    />
                    {e.status === 'seen' && (
                      <TextInput
                        size="xs"
                        style={{ flex: 1 }}
                        placeholder={t('auditPages.test.reference')}
                        aria-label={t('auditPages.test.reference')}
                        value={e.reference}
                        onChange={(ev) => setEvidence(i, { reference: ev.currentTarget.value })}
                        readOnly={readOnly}
                        data-testid={`evidence-ref-${e.evidenceType}`}
                      />
                    )}
                  </Group>
                ))}
              </Stack>
            </div>
          )}

          <Textarea
            size="xs"
            label={t('auditPages.test.notes')}
            autosize
            minRows={1}
            maxRows={6}
            value={values.notes}
            onChange={(e) => set('notes', e.currentTarget.value)}
            readOnly={readOnly}
            data-testid="test-notes"
          />

          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" data-testid="test-result">
              {props.result == null
                ? t('auditPages.test.resultInvalid')
                : props.result.state === 'tested'
                  ? t('auditPages.test.resultR', { r: formatScore(props.result.r) })
                  : t(`scoring.states.${props.result.state}`)}
            </Text>
            {!readOnly && (
              <Group gap={4} wrap="nowrap">
                <Button size="xs" variant="default" onClick={props.onDiscard} disabled={!props.dirty} data-testid="test-discard">
                  {t('auditPages.test.discard')}
                </Button>
                <Button size="xs" type="submit" loading={props.saving} data-testid="test-save">
                  {t('auditPages.test.saveNext')}
                </Button>
              </Group>
            )}
          </Group>
          {test && (test.updatedBy || test.testerName) && (
            <Text size="xs" c="dimmed" data-testid="test-saved-by">
              {t('auditPages.test.savedBy', { by: test.updatedBy ?? test.testerName ?? '', at: formatDateTime(test.updatedAt) })}
            </Text>
          )}
        </Stack>
      </form>
    </Card>
  );
}

/** A scoring issue's params: those ending in `Key` are message keys themselves (shared/i18n convention). */
function translateParams(t: (key: string) => string, params: Record<string, string | number>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.endsWith('Key') && typeof v === 'string') out[k.slice(0, -3)] = t(v);
    else out[k] = v;
  }
  return out;
}
