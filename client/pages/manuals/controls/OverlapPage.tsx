import { useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Center, Group, Loader, Modal, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useTRPC, type RouterOutputs } from '../../../lib/trpc.ts';
import { useCan } from '../../../lib/session.tsx';
import { notifications } from '@mantine/notifications';
import { notifyError } from '../../../lib/errors.ts';
import type { Unit } from '../../../lib/org-types.ts';
import { useManualId } from '../ManualLayout.tsx';
import { useMatrix, useRefreshControls } from './use-control-mutations.ts';
import { joinList, labelled } from '../../../lib/punct.ts';

type Overlap = RouterOutputs['controls']['overlap'];
type SharedGroup = Overlap['shared'][number];
type Duplicate = Overlap['duplicates'][number];
type Summary = Duplicate['a'];
const NO_UNITS: Unit[] = [];

/** /manuals/:id/overlap — controls shared by several processes, and probable duplicates to merge. */
export function OverlapPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const manualId = useManualId();
  const overlap = useQuery(trpc.controls.overlap.queryOptions({ manualId }));
  const units = useQuery({ ...trpc.org.units.list.queryOptions(), staleTime: 60_000 }).data ?? NO_UNITS;
  const unitNames = useMemo(() => new Map(units.map((u) => [u.id, u.name])), [units]);
  if (overlap.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (overlap.isError) return <Alert color="red">{overlap.error.message}</Alert>;
  return (
    <Stack>
      <Card withBorder data-testid="overlap-shared">
        <Title order={5}>{t('overlap.sharedTitle')}</Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('overlap.sharedHint')}
        </Text>
        {overlap.data.shared.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('overlap.noShared')}
          </Text>
        ) : (
          <Stack gap="md">
            {overlap.data.shared.map((g) => (
              <SharedGroupTable key={g.bases.join('+') || 'none'} group={g} manualId={manualId} unitNames={unitNames} />
            ))}
          </Stack>
        )}
      </Card>
      <Card withBorder data-testid="overlap-duplicates">
        <Title order={5}>{t('overlap.duplicatesTitle')}</Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('overlap.duplicatesHint')}
        </Text>
        {overlap.data.duplicates.length === 0 ? (
          <Text c="dimmed" size="sm" data-testid="overlap-no-duplicates">
            {t('overlap.noDuplicates')}
          </Text>
        ) : (
          <DuplicatesTable duplicates={overlap.data.duplicates} manualId={manualId} />
        )}
      </Card>
    </Stack>
  );
}

function ControlLink({ manualId, control }: { manualId: number; control: { id: number; number: string; title: string } }) {
  return (
    <Anchor component={Link} to={`/manuals/${manualId}?node=${control.id}`} size="sm">
      <b>{control.number}</b> {control.title}
    </Anchor>
  );
}

/** One combination of design bases (e.g. subject + business type) and the controls shared across it. */
function SharedGroupTable({ group, manualId, unitNames }: { group: SharedGroup; manualId: number; unitNames: Map<number, string> }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(PAGE);
  const bases = group.bases.length ? group.bases.map((b) => t(`overlap.bases.${b}`)).join(' + ') : t('overlap.bases.none');
  return (
    <div data-testid={`overlap-group-${group.bases.join('+') || 'none'}`}>
      <Group gap="xs" mb={4}>
        <Badge variant="light" color="grape" tt="none">
          {bases}
        </Badge>
        <Text size="sm" c="dimmed">
          {t('matrix.controlCount', { count: group.controls.length })}
        </Text>
      </Group>
      <Table withTableBorder striped verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="40%">{t('overlap.control')}</Table.Th>
            <Table.Th>{t('overlap.processes')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {group.controls.slice(0, shown).map((c) => (
            <Table.Tr key={c.id} data-testid={`overlap-shared-${c.id}`}>
              <Table.Td>
                <ControlLink manualId={manualId} control={c} />
              </Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  {c.processes.map((p) => (
                    <Group key={p.id} gap={6} wrap="nowrap">
                      <Anchor component={Link} to={`/manuals/${manualId}?node=${p.id}`} size="sm">
                        {p.number} {p.title}
                      </Anchor>
                      <ProcessBases process={p} unitNames={unitNames} />
                    </Group>
                  ))}
                </Stack>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ShowMore shown={shown} total={group.controls.length} onMore={() => setShown((n) => n + PAGE)} />
    </div>
  );
}

/** Long lists (a 20,000-control manual) grow a page at a time instead of rendering all at once. */
const PAGE = 100;
function ShowMore({ shown, total, onMore }: { shown: number; total: number; onMore: () => void }) {
  const { t } = useTranslation();
  if (shown >= total) return null;
  return (
    <Group justify="center" mt="xs">
      <Button size="compact-sm" variant="subtle" onClick={onMore} data-testid="overlap-show-more">
        {t('common.loadMore')} ({Math.min(shown, total)} / {total})
      </Button>
    </Group>
  );
}

/** The design bases of one process: subjects, business types, units. */
function ProcessBases({ process, unitNames }: { process: SharedGroup['controls'][number]['processes'][number]; unitNames: Map<number, string> }) {
  const { t } = useTranslation();
  const unitName = (id: number) => unitNames.get(id) ?? `#${id}`;
  const unitIds = [...new Set([...process.designUnitIds, ...(process.ownerUnitId == null ? [] : [process.ownerUnitId])])];
  const parts = [
    ...process.designSubjects.map((s) => `${labelled(t, t('overlap.bases.subject'))}${s}`),
    ...process.designBusinessTypes.map((s) => `${labelled(t, t('overlap.bases.business_type'))}${s}`),
    ...unitIds.map((u) => `${labelled(t, t('overlap.bases.unit'))}${unitName(u)}`),
  ];
  return (
    <Text size="xs" c="dimmed" truncate>
      {parts.join(' · ')}
    </Text>
  );
}

function DuplicatesTable({ duplicates, manualId }: { duplicates: Duplicate[]; manualId: number }) {
  const { t } = useTranslation();
  const canWrite = useCan('manual.write');
  const customEvidence = new Map((useMatrix(manualId).data?.evidenceTypes ?? []).map((e) => [e.code, e.name]));
  const evidence = (codes: string[]) => joinList(t, codes.map((c) => customEvidence.get(c) ?? t(`evidenceTypes.${c}`)));
  const [merging, setMerging] = useState<Duplicate | null>(null);
  const [shown, setShown] = useState(PAGE);
  const side = (s: Summary) => (
    <Stack gap={2}>
      <ControlLink manualId={manualId} control={s} />
      {s.objective && (
        <Text size="xs" c="dimmed" lineClamp={2}>
          {s.objective}
        </Text>
      )}
    </Stack>
  );
  return (
    <>
      <Table withTableBorder striped verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={90}>{t('overlap.similarity')}</Table.Th>
            <Table.Th>{t('overlap.controlA')}</Table.Th>
            <Table.Th>{t('overlap.controlB')}</Table.Th>
            <Table.Th>{t('matrix.owner')}</Table.Th>
            <Table.Th>{t('matrix.evidence')}</Table.Th>
            {canWrite && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {duplicates.slice(0, shown).map((d) => (
            <Table.Tr key={`${d.a.id}-${d.b.id}`} data-testid={`duplicate-${d.a.id}-${d.b.id}`}>
              <Table.Td>
                <Badge variant="light" color={d.score >= 0.8 ? 'red' : 'orange'}>
                  {Math.round(d.score * 100)}%
                </Badge>
              </Table.Td>
              <Table.Td>{side(d.a)}</Table.Td>
              <Table.Td>{side(d.b)}</Table.Td>
              <Table.Td>{d.a.ownerPositionName ?? '—'}</Table.Td>
              <Table.Td>{evidence(d.a.evidenceTypes) || '—'}</Table.Td>
              {canWrite && (
                <Table.Td>
                  <Button size="compact-xs" variant="light" onClick={() => setMerging(d)} data-testid={`duplicate-merge-${d.a.id}-${d.b.id}`}>
                    {t('overlap.mergeInto')}…
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ShowMore shown={shown} total={duplicates.length} onMore={() => setShown((n) => n + PAGE)} />
      {merging && <MergeDialog pair={merging} onClose={() => setMerging(null)} />}
    </>
  );
}

/** Choose which control stays; the other is merged into it (links, references, evidence and inspections kept). */
function MergeDialog({ pair, onClose }: { pair: Duplicate; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const refresh = useRefreshControls();
  const merge = useMutation(trpc.controls.merge.mutationOptions());
  const [keep, setKeep] = useState<'a' | 'b'>('a');
  const target = keep === 'a' ? pair.a : pair.b;
  const source = keep === 'a' ? pair.b : pair.a;
  const run = async () => {
    try {
      const result = await merge.mutateAsync({ sourceId: source.id, targetId: target.id });
      await refresh();
      notifications.show({ color: 'teal', message: t('overlap.merged', { links: result.linksAdded, references: result.referencesMoved }), autoClose: 4000 });
      onClose();
    } catch (err) {
      notifyError(err);
    }
  };
  const label = (s: Summary) => `${s.number} ${s.title}`;
  return (
    <Modal opened onClose={onClose} title={t('overlap.mergeTitle')} centered size="lg">
      <Stack>
        <Radio.Group label={t('overlap.keepWhich')} value={keep} onChange={(v) => setKeep(v as 'a' | 'b')}>
          <Stack gap={6} mt={6}>
            <Radio value="a" label={label(pair.a)} data-testid="merge-keep-a" />
            <Radio value="b" label={label(pair.b)} data-testid="merge-keep-b" />
          </Stack>
        </Radio.Group>
        <Alert color="blue" variant="light" data-testid="merge-explanation">
          {t('overlap.mergeExplain', { source: label(source), target: label(target) })}
        </Alert>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="orange" loading={merge.isPending} onClick={() => void run()} data-testid="merge-confirm">
            {t('overlap.mergeConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
