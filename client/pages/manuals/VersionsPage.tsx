import { useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, Modal, Select, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC, type RouterOutputs } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { notifyError } from '../../lib/errors.ts';
import { notifications } from '@mantine/notifications';
import { useManualId } from './ManualLayout.tsx';
import { FlatOutline } from './FlatOutline.tsx';
import { WordDownload } from './WordDownload.tsx';
import { ControlChanges, DiffText } from './DiffParts.tsx';

type Version = RouterOutputs['manual']['versions'][number];
type VersionRef = number | 'draft';
const col = gridColumnHelper<Version>();
const NO_VERSIONS: Version[] = [];

const refToValue = (r: VersionRef) => String(r);
const valueToRef = (v: string): VersionRef => (v === 'draft' ? 'draft' : Number(v));

/** /manuals/:id/versions — published versions, publish, frozen outlines and the diff. */
export function VersionsPage() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const manualId = useManualId();
  const canWrite = useCan('manual.write');
  const versions = useQuery(trpc.manual.versions.queryOptions({ manualId }));
  const list = versions.data ?? NO_VERSIONS;
  const [publishing, setPublishing] = useState(false);
  const [note, setNote] = useState('');
  const [viewing, setViewing] = useState<number | null>(null);
  const [from, setFrom] = useState<VersionRef | null>(null);
  const [to, setTo] = useState<VersionRef>('draft');
  const latest = list.reduce<number | null>((m, v) => (m == null || v.versionNo > m ? v.versionNo : m), null);
  const fromRef: VersionRef | null = from ?? latest;

  const publish = useMutation(trpc.manual.publish.mutationOptions({ onError: notifyError }));
  const submitPublish = async () => {
    const row = await publish.mutateAsync({ manualId, note });
    await queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() });
    notifications.show({ color: 'teal', message: t('versions.published', { version: row.versionNo }) });
    setPublishing(false);
    setNote('');
  };

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('versionNo', { header: 'versions.versionNo', cell: (info) => <b>v{info.getValue()}</b> }),
        col.accessor('note', { header: 'versions.note' }),
        col.accessor('publishedAt', {
          header: 'versions.publishedAt',
          cell: (info) => new Date(info.getValue() as unknown as string).toLocaleString(i18n.language),
        }),
        col.accessor('publishedBy', { header: 'versions.publishedBy' }),
        col.accessor('nodeCount', { header: 'versions.nodeCount' }),
        col.display({
          id: 'actions',
          header: 'common.actions',
          cell: ({ row }) => (
            <Group gap={4} wrap="nowrap">
              <Button size="compact-xs" variant="light" onClick={() => setViewing(row.original.versionNo)} data-testid={`version-view-${row.original.versionNo}`}>
                {t('versions.view')}
              </Button>
              <WordDownload manualId={manualId} version={row.original.versionNo} size="compact-xs" />
            </Group>
          ),
        }),
      ]),
    [t, i18n.language, manualId],
  );

  const options = [{ value: 'draft', label: t('versions.draft') }, ...list.map((v) => ({ value: String(v.versionNo), label: t('versions.versionLabel', { version: v.versionNo }) }))];

  return (
    <Stack>
      <DataGrid
        testId="versions-grid"
        data={list}
        columns={columns}
        getRowId={(v) => String(v.id)}
        loading={versions.isPending}
        toolbar={
          canWrite && (
            <Button onClick={() => setPublishing(true)} data-testid="publish-button">
              {t('versions.publish')}
            </Button>
          )
        }
      />
      <Card withBorder>
        <Title order={4} mb="sm">
          {t('versions.diffTitle')}
        </Title>
        <Group mb="md">
          <Select
            label={t('versions.from')}
            data={options}
            value={fromRef == null ? null : refToValue(fromRef)}
            onChange={(v) => v && setFrom(valueToRef(v))}
            allowDeselect={false}
            data-testid="diff-from"
            w={200}
          />
          <Select label={t('versions.to')} data={options} value={refToValue(to)} onChange={(v) => v && setTo(valueToRef(v))} allowDeselect={false} data-testid="diff-to" w={200} />
        </Group>
        {fromRef != null && <DiffView manualId={manualId} from={fromRef} to={to} />}
      </Card>
      <FormModal opened={publishing} onClose={() => setPublishing(false)} title={t('versions.publishTitle')} onSubmit={(e) => { e?.preventDefault(); void submitPublish(); }} saving={publish.isPending} testId="publish-form">
        <Textarea label={t('versions.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} data-testid="publish-note" />
      </FormModal>
      <Modal opened={viewing != null} onClose={() => setViewing(null)} size="xl" title={t('versions.viewTitle', { version: viewing })}>
        {viewing != null && <VersionOutline manualId={manualId} version={viewing} />}
      </Modal>
    </Stack>
  );
}

function VersionOutline({ manualId, version }: { manualId: number; version: number }) {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.manual.version.queryOptions({ manualId, version }));
  if (nodes.isError) return <Alert color="red">{nodes.error.message}</Alert>;
  return <FlatOutline nodes={nodes.data ?? []} testId="version-outline" height="70vh" />;
}

function DiffSection({ title, count, color, testId, children }: { title: string; count: number; color: string; testId: string; children: React.ReactNode }) {
  return (
    <Card withBorder padding="sm" data-testid={testId}>
      <Group gap="xs" mb="xs">
        <Text fw={600}>{title}</Text>
        <Badge color={color} variant="light">
          {count}
        </Badge>
      </Group>
      <Stack gap={2} mah={320} style={{ overflow: 'auto' }}>
        {children}
      </Stack>
    </Card>
  );
}

function DiffView({ manualId, from, to }: { manualId: number; from: VersionRef; to: VersionRef }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const diff = useQuery(trpc.manual.diff.queryOptions({ manualId, from, to }));
  if (diff.isError) return <Alert color="red">{diff.error.message}</Alert>;
  if (!diff.data) return <Text c="dimmed">{t('app.loading')}</Text>;
  const d = diff.data;
  const link = (id: number, label: string) =>
    to === 'draft' ? (
      <Anchor component={Link} to={`/manuals/${manualId}?node=${id}`} size="sm">
        {label}
      </Anchor>
    ) : (
      <Text span size="sm">
        {label}
      </Text>
    );
  if (!d.added.length && !d.removed.length && !d.renumbered.length && !d.textChanged.length && !d.controlChanged.length) {
    return <Text c="dimmed">{t('versions.noChanges')}</Text>;
  }
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="diff-view">
      <DiffSection title={t('versions.added')} count={d.added.length} color="teal" testId="diff-added">
        {d.added.map((n) => (
          <div key={n.id} data-testid="diff-added-item">
            {link(n.id, `${n.number} ${n.title}`)}
          </div>
        ))}
      </DiffSection>
      <DiffSection title={t('versions.removed')} count={d.removed.length} color="red" testId="diff-removed">
        {d.removed.map((n) => (
          <Text key={n.id} size="sm" td="line-through" data-testid="diff-removed-item">
            {n.number} {n.title}
          </Text>
        ))}
      </DiffSection>
      <DiffSection title={t('versions.renumbered')} count={d.renumbered.length} color="blue" testId="diff-renumbered">
        {d.renumbered.map((n) => (
          <div key={n.id} data-testid="diff-renumbered-item">
            <Text span size="sm" fw={600}>
              {n.oldNumber} → {n.newNumber}
            </Text>{' '}
            {link(n.id, n.title)}
            {n.parentChanged && (
              <Badge size="xs" ml={4} variant="light" tt="none">
                {t('versions.moved')}
              </Badge>
            )}
          </div>
        ))}
      </DiffSection>
      <DiffSection title={t('versions.textChanged')} count={d.textChanged.length} color="orange" testId="diff-text-changed">
        {d.textChanged.map((n) => (
          <div key={n.id} data-testid="diff-text-changed-item">
            {link(n.id, `${n.number} ${n.newTitle}`)}
            {n.titleParts && <DiffText parts={n.titleParts} testId="diff-title-parts" />}
            {n.bodyParts && <DiffText parts={n.bodyParts} testId="diff-body-parts" />}
            <Group gap={4}>
              {n.titleChanged && <Badge size="xs" variant="outline" tt="none">{t('versions.titleChanged')}</Badge>}
              {n.bodyChanged && <Badge size="xs" variant="outline" tt="none">{t('versions.bodyChanged')}</Badge>}
              {n.kindChanged && <Badge size="xs" variant="outline" tt="none">{t('versions.kindChanged')}</Badge>}
            </Group>
          </div>
        ))}
      </DiffSection>
      <DiffSection title={t('versions.controlChanged')} count={d.controlChanged.length} color="grape" testId="diff-control-changed">
        {d.controlChanged.map((c) => (
          <div key={c.id} data-testid="diff-control-changed-item">
            {link(c.id, `${c.number} ${c.title}`)}
            <ControlChanges changes={c.changes} />
          </div>
        ))}
      </DiffSection>
    </SimpleGrid>
  );
}
