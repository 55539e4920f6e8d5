import { useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Button, Group, MultiSelect, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EVIDENCE_TYPES } from '../../../../shared/controls.ts';
import { useTRPC } from '../../../lib/trpc.ts';
import { fieldErrorsOf, notifyError, notifySuccess } from '../../../lib/errors.ts';
import { useRefreshControls } from './use-control-mutations.ts';

/** Required evidence types: the eleven built-in ones plus the manual's own, and a way to add one. */
export function EvidenceTypesInput(props: {
  manualId: number;
  custom: readonly { code: string; name: string }[];
  canWrite: boolean;
  value: string[];
  onChange: (value: string[]) => void;
  error?: ReactNode;
}) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const data = useMemo(
    () => [
      { group: t('controlPanel.builtinEvidence'), items: EVIDENCE_TYPES.map((code) => ({ value: code, label: t(`evidenceTypes.${code}`) })) },
      ...(props.custom.length ? [{ group: t('controlPanel.customEvidence'), items: props.custom.map((e) => ({ value: e.code, label: e.name })) }] : []),
    ],
    [props.custom, t],
  );
  return (
    <Stack gap={4}>
      <MultiSelect
        label={t('matrix.evidence')}
        data={data}
        value={props.value}
        onChange={props.onChange}
        error={props.error}
        searchable
        clearable
        data-testid="control-evidence"
      />
      {props.canWrite &&
        (adding ? (
          <AddEvidenceType
            manualId={props.manualId}
            onAdded={(code) => {
              props.onChange([...props.value, code]);
              setAdding(false);
            }}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <Group>
            <Button size="compact-xs" variant="subtle" onClick={() => setAdding(true)} data-testid="control-evidence-add">
              + {t('controlPanel.addEvidenceType')}
            </Button>
          </Group>
        ))}
    </Stack>
  );
}

/** Code + name of a new evidence type for this manual (not a nested form: it sits inside the control form). */
function AddEvidenceType({ manualId, onAdded, onCancel }: { manualId: number; onAdded: (code: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const refresh = useRefreshControls();
  const add = useMutation(trpc.controls.addEvidenceType.mutationOptions());
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = async () => {
    try {
      const row = await add.mutateAsync({ manualId, code, name });
      await refresh();
      notifySuccess('common.saved');
      onAdded(row.code);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
      notifyError(err);
    }
  };
  // Enter adds the type instead of submitting the control form around it
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    void save();
  };
  return (
    <Group gap={4} align="flex-start" wrap="nowrap" data-testid="evidence-type-new">
      <TextInput size="xs" w={110} placeholder={t('controlPanel.evidenceCode')} aria-label={t('controlPanel.evidenceCode')} value={code} error={errors.code} onChange={(e) => setCode(e.currentTarget.value)} onKeyDown={onKeyDown} data-testid="evidence-type-code" />
      <TextInput size="xs" style={{ flex: 1 }} placeholder={t('controlPanel.evidenceName')} aria-label={t('controlPanel.evidenceName')} value={name} error={errors.name} onChange={(e) => setName(e.currentTarget.value)} onKeyDown={onKeyDown} data-testid="evidence-type-name" />
      <Button size="xs" variant="light" loading={add.isPending} onClick={() => void save()} data-testid="evidence-type-save">
        {t('common.create')}
      </Button>
      <Button size="xs" variant="subtle" color="gray" onClick={onCancel}>
        {t('common.cancel')}
      </Button>
    </Group>
  );
}
