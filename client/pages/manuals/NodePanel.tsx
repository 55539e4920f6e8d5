import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Card, Group, MultiSelect, Select, Stack, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PROCESS_STATUSES, type NodeKind, type ProcessStatus } from '../../../shared/outline.ts';
import { nodeRefToken } from '../../../shared/references.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { saveForm } from '../../lib/errors.ts';
import type { Unit } from '../../lib/org-types.ts';
import { kindsUnder, parentKindOf, type OutlineIndex, type TreeNode } from './outline-tree.ts';
import { KindBadge, StatusBadge } from './OutlineRow.tsx';
import { useManualId } from './ManualLayout.tsx';
import type { LintItem } from '../../../shared/control-lint.ts';
import { LintList } from './controls/LintFlags.tsx';
import { ControlSection } from './controls/ControlSection.tsx';
import { LinksSection } from './controls/LinksSection.tsx';
import { ProposalsSection } from './ProposalsSection.tsx';
import { joinList, labelled } from '../../lib/punct.ts';

const NO_UNITS: Unit[] = [];

function useUnitOptions() {
  const trpc = useTRPC();
  const units = useQuery({ ...trpc.org.units.list.queryOptions(), staleTime: 60_000 }).data ?? NO_UNITS;
  return useMemo(() => units.map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` })), [units]);
}

/**
 * Side panel: the selected node's design-lint findings and fields; designers edit and save, others
 * read. A control point also gets its attributes and the places it is linked into.
 */
export function NodePanel({ node, index, canWrite, lint }: { node: TreeNode; index: OutlineIndex; canWrite: boolean; lint?: readonly LintItem[] }) {
  const manualId = useManualId();
  return (
    <Stack gap="sm">
      <LintList items={lint} />
      {canWrite ? <NodeForm key={node.id} node={node} index={index} /> : <NodeView node={node} />}
      <ProposalsSection nodeId={node.id} />
      {node.kind === 'control' && (
        <>
          <ControlSection controlId={node.id} manualId={manualId} canWrite={canWrite} />
          <LinksSection controlId={node.id} index={index} canWrite={canWrite} />
        </>
      )}
    </Stack>
  );
}

function formValues(node: TreeNode) {
  return {
    kind: node.kind as NodeKind,
    title: node.title,
    body: node.body,
    status: (node.status ?? 'draft') as ProcessStatus,
    ownerUnitId: node.ownerUnitId == null ? null : String(node.ownerUnitId),
    designSubjects: node.designSubjects,
    designBusinessTypes: node.designBusinessTypes,
    designUnitIds: node.designUnitIds.map(String),
  };
}

function NodeView({ node }: { node: TreeNode }) {
  const { t } = useTranslation();
  const unitOptions = useUnitOptions();
  const unitName = (id: number | null) => unitOptions.find((u) => u.value === String(id))?.label ?? '';
  return (
    <Card withBorder data-testid="node-panel">
      <Group gap="xs" mb="xs">
        <Text fw={700}>{node.number}</Text>
        <KindBadge kind={node.kind} />
        <StatusBadge status={node.status} />
      </Group>
      <Title order={4} mb="sm">
        {node.title}
      </Title>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="node-body-rendered">
        {node.renderedBody}
      </Text>
      {node.kind === 'process' && (
        <Stack gap={4} mt="md">
          <Text size="sm">
            <b>{labelled(t, t('outline.ownerUnit'))}</b>
            {unitName(node.ownerUnitId)}
          </Text>
          <Text size="sm">
            <b>{labelled(t, t('outline.designSubjects'))}</b>
            {joinList(t, node.designSubjects)}
          </Text>
          <Text size="sm">
            <b>{labelled(t, t('outline.designBusinessTypes'))}</b>
            {joinList(t, node.designBusinessTypes)}
          </Text>
          <Text size="sm">
            <b>{labelled(t, t('outline.designUnits'))}</b>
            {joinList(t, node.designUnitIds.map(unitName))}
          </Text>
        </Stack>
      )}
    </Card>
  );
}

function NodeForm({ node, index }: { node: TreeNode; index: OutlineIndex }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const unitOptions = useUnitOptions();
  const update = useMutation(trpc.manual.updateNode.mutationOptions());
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const form = useForm({ mode: 'controlled', initialValues: formValues(node) });
  // The node changed on the server (inline rename, another editor, a save): take the new values for
  // the fields the user has not touched, keep what they are typing in the others.
  const serverValues = formValues(node);
  const serverKey = JSON.stringify(serverValues);
  useEffect(() => {
    const next = { ...form.getValues() } as Record<string, unknown>;
    for (const [field, value] of Object.entries(serverValues)) if (!form.isDirty(field)) next[field] = value;
    form.setInitialValues(serverValues);
    form.setValues(next as typeof serverValues);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serverKey]);
  const kinds = kindsUnder(parentKindOf(index, node));
  const isProcess = form.values.kind === 'process';

  const insertReference = (value: string | null) => {
    if (!value) return;
    const token = nodeRefToken(Number(value));
    const el = bodyRef.current;
    const body = form.values.body;
    const at = el ? el.selectionStart : body.length;
    const end = el ? el.selectionEnd : body.length;
    form.setFieldValue('body', body.slice(0, at) + token + body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length, at + token.length);
    });
  };

  const submit = form.onSubmit(async (v) => {
    await saveForm(form, 'common.saved', async () => {
      await update.mutateAsync({
        nodeId: node.id,
        data: {
          kind: v.kind,
          title: v.title,
          body: v.body,
          ...(v.kind === 'process'
            ? {
                status: v.status,
                ownerUnitId: v.ownerUnitId ? Number(v.ownerUnitId) : null,
                designSubjects: v.designSubjects,
                designBusinessTypes: v.designBusinessTypes,
                designUnitIds: v.designUnitIds.map(Number),
              }
            : {}),
        },
      });
      await queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() });
      // titles and kinds show in the control matrix and its lint too
      await queryClient.invalidateQueries({ queryKey: trpc.controls.pathKey() });
    });
  });

  return (
    <Card withBorder data-testid="node-panel">
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Group gap="xs">
            <Text fw={700} data-testid="node-panel-number">
              {node.number}
            </Text>
            <KindBadge kind={node.kind} />
          </Group>
          <Select
            label={t('outline.kind')}
            data={kinds.map((k) => ({ value: k, label: t(`nodeKinds.${k}`) }))}
            allowDeselect={false}
            data-testid="node-kind"
            {...form.getInputProps('kind')}
          />
          <TextInput label={t('outline.titleLabel')} required data-testid="node-title" {...form.getInputProps('title')} />
          <Textarea
            ref={bodyRef}
            label={t('outline.body')}
            autosize
            minRows={4}
            maxRows={14}
            data-testid="node-body"
            {...form.getInputProps('body')}
          />
          <ReferencePicker index={index} exclude={node.id} onPick={insertReference} />
          {node.renderedBody && node.renderedBody !== node.body && (
            <div>
              <Text size="xs" c="dimmed">
                {t('outline.preview')}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="node-body-rendered">
                {node.renderedBody}
              </Text>
            </div>
          )}
          {isProcess && (
            <>
              <Select
                label={t('outline.status')}
                data={PROCESS_STATUSES.map((s) => ({ value: s, label: t(`processStatuses.${s}`) }))}
                allowDeselect={false}
                data-testid="node-status"
                {...form.getInputProps('status')}
              />
              <Select label={t('outline.ownerUnit')} data={unitOptions} clearable searchable data-testid="node-owner-unit" {...form.getInputProps('ownerUnitId')} />
              <TagsInput label={t('outline.designSubjects')} description={t('outline.tagsHint')} data-testid="node-subjects" {...form.getInputProps('designSubjects')} />
              <TagsInput
                label={t('outline.designBusinessTypes')}
                description={t('outline.tagsHint')}
                data-testid="node-business-types"
                {...form.getInputProps('designBusinessTypes')}
              />
              <MultiSelect label={t('outline.designUnits')} data={unitOptions} searchable clearable data-testid="node-design-units" {...form.getInputProps('designUnitIds')} />
            </>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => form.reset()} disabled={!form.isDirty()}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending} data-testid="node-save">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/**
 * "Insert reference": a button that opens a searchable list of the manual's items (number + title).
 * The option list is built only when opened, so selecting rows in a 20,000-item outline stays fast.
 */
function ReferencePicker({ index, exclude, onPick }: { index: OutlineIndex; exclude: number; onPick: (value: string | null) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Group>
        <Button size="compact-xs" variant="light" onClick={() => setOpen(true)} data-testid="node-insert-reference">
          {t('outline.insertReference')}…
        </Button>
      </Group>
    );
  }
  return <ReferenceSelect index={index} exclude={exclude} onPick={(v) => { onPick(v); setOpen(false); }} onClose={() => setOpen(false)} />;
}

function ReferenceSelect({ index, exclude, onPick, onClose }: { index: OutlineIndex; exclude: number; onPick: (value: string | null) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const options = useMemo(
    () => index.nodes.filter((n) => n.id !== exclude).map((n) => ({ value: String(n.id), label: `${n.number} ${n.title}` })),
    [index, exclude],
  );
  return (
    <Select
      size="xs"
      label={t('outline.insertReference')}
      placeholder={t('outline.referencePlaceholder')}
      data={options}
      searchable
      limit={50}
      value={null}
      autoFocus
      defaultDropdownOpened
      onChange={onPick}
      onDropdownClose={onClose}
      data-testid="node-reference-select"
    />
  );
}
