import { useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Card, Group, Modal, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isAppError, useTRPC } from '../../../lib/trpc.ts';
import { notifyError, notifySuccess } from '../../../lib/errors.ts';
import { KindBadge } from '../OutlineRow.tsx';
import type { OutlineIndex } from '../outline-tree.ts';
import { useRefreshControls } from './use-control-mutations.ts';

/**
 * Where a control is: its home (where its number comes from) and every step/process it is linked
 * into; designers link it into more places and unlink it (the last place asks before deleting).
 */
export function LinksSection({ controlId, index, canWrite }: { controlId: number; index: OutlineIndex; canWrite: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const refresh = useRefreshControls();
  const control = useQuery(trpc.controls.get.queryOptions({ controlId }));
  const link = useMutation(trpc.controls.link.mutationOptions());
  const unlink = useMutation(trpc.controls.unlink.mutationOptions());
  const [picking, setPicking] = useState(false);
  const [confirm, setConfirm] = useState<{ hostId: number; message: string } | null>(null);
  const hosts = control.data?.hosts ?? [];

  const doLink = async (hostId: number) => {
    setPicking(false);
    try {
      await link.mutateAsync({ controlId, hostId });
      await refresh();
      notifySuccess('controlPanel.linked');
    } catch (err) {
      notifyError(err);
    }
  };
  const doUnlink = async (hostId: number, confirmed: boolean) => {
    try {
      await unlink.mutateAsync({ controlId, hostId, confirm: confirmed });
      setConfirm(null);
      await refresh();
      notifySuccess(confirmed ? 'common.deleted' : 'controlPanel.unlinked');
    } catch (err) {
      if (!confirmed && isAppError(err) && err.data?.code === 'PRECONDITION_FAILED') setConfirm({ hostId, message: err.message });
      else notifyError(err);
    }
  };

  return (
    <Card withBorder data-testid="links-section">
      <Stack gap="xs">
        <Title order={5}>{t('controlPanel.linksTitle')}</Title>
        <Text size="xs" c="dimmed">
          {t('controlPanel.linksHint')}
        </Text>
        {hosts.map((h) => {
          const node = index.byId.get(h.id);
          return (
            <Group key={h.id} gap="xs" wrap="nowrap" data-testid={`control-host-${h.id}`}>
              <KindBadge kind={h.kind} />
              <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                {node?.number}
              </Text>
              <Text size="sm" truncate style={{ flex: 1 }}>
                {h.title}
              </Text>
              <Badge size="xs" variant={h.home ? 'filled' : 'outline'} color={h.home ? 'indigo' : 'grape'} tt="none">
                {h.home ? t('controlPanel.home') : t('matrix.sharedBadge')}
              </Badge>
              {canWrite && (
                <ActionIcon
                  size="sm"
                  variant="subtle"
                  color="red"
                  aria-label={t('controlPanel.unlink', { title: h.title })}
                  title={t('controlPanel.unlink', { title: h.title })}
                  loading={unlink.isPending && unlink.variables?.hostId === h.id}
                  onClick={() => void doUnlink(h.id, false)}
                  data-testid={`control-unlink-${h.id}`}
                >
                  ✕
                </ActionIcon>
              )}
            </Group>
          );
        })}
        {canWrite &&
          (picking ? (
            <HostSelect index={index} exclude={hosts.map((h) => h.id)} onPick={(id) => void doLink(id)} onClose={() => setPicking(false)} />
          ) : (
            <Group>
              <Button size="compact-xs" variant="light" loading={link.isPending} onClick={() => setPicking(true)} data-testid="control-link">
                {t('controlPanel.linkInto')}…
              </Button>
            </Group>
          ))}
      </Stack>
      <Modal opened={confirm != null} onClose={() => setConfirm(null)} title={t('controlPanel.unlinkLastTitle')} centered>
        <Text mb="md" data-testid="unlink-confirm-message">
          {confirm?.message}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirm(null)}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={unlink.isPending} onClick={() => confirm && void doUnlink(confirm.hostId, true)} data-testid="confirm-unlink">
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </Card>
  );
}

/** Steps and processes of the manual (number + title), built only when opened. */
function HostSelect({ index, exclude, onPick, onClose }: { index: OutlineIndex; exclude: number[]; onPick: (id: number) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const options = useMemo(
    () =>
      index.nodes
        .filter((n) => (n.kind === 'step' || n.kind === 'process') && !exclude.includes(n.id))
        .map((n) => ({ value: String(n.id), label: `${n.number} ${n.title}` })),
    [index, exclude],
  );
  return (
    <Select
      size="xs"
      label={t('controlPanel.linkInto')}
      placeholder={t('outline.referencePlaceholder')}
      data={options}
      searchable
      limit={50}
      value={null}
      autoFocus
      defaultDropdownOpened
      onChange={(v) => v && onPick(Number(v))}
      onDropdownClose={onClose}
      data-testid="control-link-select"
    />
  );
}
