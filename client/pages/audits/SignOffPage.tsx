import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Card, Group, List, MultiSelect, ScrollArea, Select, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { scoredProcessIds, toScoringInput } from '../../../shared/audits.ts';
import { computeScores } from '../../../shared/scoring.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan, useSessionUser } from '../../lib/session.tsx';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { isEditable, useInvalidateAudits, type AuditDetail } from './audit-data.ts';
import { useAuditOutlet } from './AuditLayout.tsx';
import { labelled } from '../../lib/punct.ts';
import { formatDateTime } from '../../lib/format-date.ts';

const when = (iso: string | null) => (iso ? formatDateTime(iso) : '');

/** Controls that block the lead's sign-off: not tested (the shared roll-up's signOffBlockers). */
function useBlockers(detail: AuditDetail) {
  return useMemo(() => {
    try {
      const report = computeScores(toScoringInput({ ...detail, processIds: scoredProcessIds(detail.processes), unitIds: detail.audit.scopeUnitIds }));
      const byId = new Map(detail.controls.map((c) => [c.id, c]));
      return report.signOffBlockers.map((id) => byId.get(id)).filter((c) => c != null);
    } catch {
      return [];
    }
  }, [detail]);
}

/** /audits/:id/signoff — status, testers per process, reviewer sign, lead sign-off, reopen. */
export function SignOffPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const detail = useAuditOutlet();
  const { audit } = detail;
  const { user } = useSessionUser();
  const canWrite = useCan('audit.write');
  const canSign = useCan('audit.signoff');
  const editable = isEditable(audit.status);
  const invalidate = useInvalidateAudits();
  const blockers = useBlockers(detail);
  const [reason, setReason] = useState('');
  const isAdmin = user?.role === 'admin';
  const isLead = isAdmin || user?.id === audit.leadUserId;
  const isReviewer = isAdmin || user?.id === audit.reviewerUserId;

  const after = (messageKey: string) => ({
    onSuccess: async () => {
      notifySuccess(messageKey);
      await invalidate();
    },
    onError: notifyError,
  });
  const update = useMutation(trpc.audits.update.mutationOptions(after('common.saved')));
  const setStatus = useMutation(trpc.audits.setStatus.mutationOptions(after('common.saved')));
  const sign = useMutation(trpc.audits.sign.mutationOptions(after('auditPages.signoff.signed')));
  const assign = useMutation(trpc.audits.assignTesters.mutationOptions(after('common.saved')));
  const reopen = useMutation(
    trpc.audits.reopen.mutationOptions({
      onSuccess: async (reopened) => {
        notifySuccess('auditPages.signoff.reopened');
        setReason('');
        await invalidate();
        void navigate(`/audits/${reopened.id}`);
      },
      onError: notifyError,
    }),
  );

  const userOptions = detail.users.map((u) => ({ value: String(u.id), label: u.displayName }));
  const testersOf = (processId: number) => detail.testers.filter((tt) => tt.processId === processId).map((tt) => String(tt.userId));
  const scoped = detail.processes.filter((p) => p.inScope);

  return (
    <Stack>
      <Card withBorder>
        <Title order={5} mb="xs">
          {t('auditPages.signoff.progress')}
        </Title>
        <Group gap="xs">
          <Text size="sm">{labelled(t, t('auditPages.status'))}</Text>
          <Badge variant="light" data-testid="signoff-status">
            {t(`audits.statuses.${audit.status}`)}
          </Badge>
          {canWrite && audit.status === 'planning' && (
            <Button size="xs" onClick={() => setStatus.mutate({ auditId: audit.id, status: 'fieldwork' })} loading={setStatus.isPending} data-testid="status-fieldwork">
              {t('auditPages.signoff.startFieldwork')}
            </Button>
          )}
          {canWrite && audit.status === 'fieldwork' && (
            <Button size="xs" onClick={() => setStatus.mutate({ auditId: audit.id, status: 'review' })} loading={setStatus.isPending} data-testid="status-review">
              {t('auditPages.signoff.submitReview')}
            </Button>
          )}
          {canWrite && audit.status === 'review' && !audit.reviewerSignedAt && (
            <Button size="xs" variant="default" onClick={() => setStatus.mutate({ auditId: audit.id, status: 'fieldwork' })} loading={setStatus.isPending} data-testid="status-back">
              {t('auditPages.signoff.backToFieldwork')}
            </Button>
          )}
        </Group>
        <Group gap="md" mt="sm" align="flex-end">
          <Select
            size="xs"
            label={t('auditPages.lead')}
            data={userOptions}
            value={String(audit.leadUserId)}
            allowDeselect={false}
            readOnly={!canWrite || !editable || audit.reviewerSignedAt != null}
            onChange={(v) => v && update.mutate({ auditId: audit.id, data: { leadUserId: Number(v) } })}
            w={220}
            data-testid="plan-lead"
          />
          <Select
            size="xs"
            label={t('auditPages.reviewer')}
            data={userOptions}
            value={audit.reviewerUserId == null ? null : String(audit.reviewerUserId)}
            clearable
            readOnly={!canWrite || !editable || audit.reviewerSignedAt != null}
            onChange={(v) => update.mutate({ auditId: audit.id, data: { reviewerUserId: v ? Number(v) : null } })}
            w={220}
            data-testid="plan-reviewer"
          />
        </Group>
      </Card>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder data-testid="signoff-reviewer">
          <Title order={5} mb="xs">
            {t('auditPages.signoff.reviewerTitle')}
          </Title>
          <Text size="sm">
            {labelled(t, t('auditPages.reviewer'))}{audit.reviewerName ?? t('common.none')}
          </Text>
          {audit.reviewerSignedAt ? (
            <Text size="sm" c="teal" data-testid="reviewer-signed">
              {t('auditPages.signoff.signedAt', { at: when(audit.reviewerSignedAt) })}
            </Text>
          ) : (
            canSign && (
              <Button
                mt="xs"
                size="xs"
                disabled={audit.status !== 'review' || !isReviewer}
                onClick={() => sign.mutate({ auditId: audit.id, role: 'reviewer' })}
                loading={sign.isPending}
                data-testid="sign-reviewer"
              >
                {t('auditPages.signoff.reviewerSign')}
              </Button>
            )
          )}
          {!audit.reviewerSignedAt && audit.status !== 'review' && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('auditPages.signoff.reviewerHint')}
            </Text>
          )}
        </Card>

        <Card withBorder data-testid="signoff-lead">
          <Title order={5} mb="xs">
            {t('auditPages.signoff.leadTitle')}
          </Title>
          <Text size="sm">
            {labelled(t, t('auditPages.lead'))}{audit.leadName}
          </Text>
          {audit.signedOffAt ? (
            <Stack gap={4}>
              <Text size="sm" c="teal" data-testid="lead-signed">
                {t('auditPages.signoff.signedAt', { at: when(audit.signedOffAt) })}
              </Text>
              {audit.contentHash && (
                <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="content-hash">
                  {labelled(t, t('auditPages.signoff.hash'))}{audit.contentHash}
                </Text>
              )}
            </Stack>
          ) : (
            <>
              {blockers.length > 0 && (
                <Alert color="orange" mt="xs" p="xs" title={t('auditPages.signoff.blocked', { count: blockers.length })} data-testid="signoff-blockers">
                  <ScrollArea.Autosize mah={180}>
                    <List size="xs">
                      {blockers.map((c) => (
                        <List.Item key={c.id}>
                          {c.number} {c.title}
                        </List.Item>
                      ))}
                    </List>
                  </ScrollArea.Autosize>
                </Alert>
              )}
              {canSign && (
                <Button
                  mt="xs"
                  size="xs"
                  color="teal"
                  disabled={blockers.length > 0 || !audit.reviewerSignedAt || !isLead}
                  onClick={() => sign.mutate({ auditId: audit.id, role: 'lead' })}
                  loading={sign.isPending}
                  data-testid="sign-lead"
                >
                  {t('auditPages.signoff.leadSign')}
                </Button>
              )}
            </>
          )}
        </Card>
      </SimpleGrid>

      {audit.status === 'signed_off' && canSign && isLead && (
        <Card withBorder data-testid="signoff-reopen">
          <Title order={5} mb="xs">
            {t('auditPages.signoff.reopenTitle')}
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            {t('auditPages.signoff.reopenHint')}
          </Text>
          <Textarea
            label={t('auditPages.signoff.reason')}
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="reopen-reason"
          />
          <Group justify="flex-end" mt="xs">
            <Button color="orange" disabled={!reason.trim()} loading={reopen.isPending} onClick={() => reopen.mutate({ auditId: audit.id, reason })} data-testid="reopen-submit">
              {t('auditPages.signoff.reopen')}
            </Button>
          </Group>
        </Card>
      )}

      <Card withBorder>
        <Title order={5} mb="xs">
          {t('auditPages.signoff.testers')}
        </Title>
        <Table fz="sm" verticalSpacing={4} data-testid="testers-table">
          <Table.Tbody>
            {scoped.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td w="40%">
                  {p.number} {p.title}
                </Table.Td>
                <Table.Td>
                  <MultiSelect
                    size="xs"
                    data={userOptions}
                    value={testersOf(p.id)}
                    readOnly={!canWrite || !editable}
                    onChange={(ids) => assign.mutate({ auditId: audit.id, processId: p.id, userIds: ids.map(Number) })}
                    aria-label={t('auditPages.signoff.testers')}
                    data-testid={`testers-${p.id}`}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
