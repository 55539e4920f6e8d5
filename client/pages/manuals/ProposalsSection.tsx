import { useMemo } from 'react';
import { Anchor, Badge, Card, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RevisionProposal } from '../../../shared/audits.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useManualId } from './ManualLayout.tsx';

const NONE: RevisionProposal[] = [];
const SEVERITY_COLORS = { general: 'yellow', significant: 'orange', major: 'red' } as const;

/**
 * Open revision proposals from audit findings about this node (docs/design.md §3.7: the loop from
 * inspection back to design). Renders nothing when there are none.
 */
export function ProposalsSection({ nodeId }: { nodeId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const manualId = useManualId();
  // one query per manual, shared by every node the designer selects
  const proposals = useQuery({ ...trpc.audits.proposals.queryOptions({ manualId }), staleTime: 60_000 }).data ?? NONE;
  const mine = useMemo(() => proposals.filter((p) => p.nodeId === nodeId), [proposals, nodeId]);
  if (mine.length === 0) return null;
  return (
    <Card withBorder padding="sm" bg="yellow.0" data-testid="node-proposals">
      <Text fw={700} size="sm" mb={6}>
        {t('auditPages.proposals.title', { count: mine.length })}
      </Text>
      <Stack gap={8}>
        {mine.map((p) => (
          <div key={p.findingId} data-testid={`proposal-${p.findingId}`}>
            <Group gap={6} wrap="nowrap">
              <Badge size="xs" variant="light" color={SEVERITY_COLORS[p.severity]}>
                {t(`audits.findingSeverities.${p.severity}`)}
              </Badge>
              <Anchor component={Link} to={`/audits/${p.auditId}/findings`} size="xs">
                {p.findingCode} · {p.auditName}
              </Anchor>
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {p.proposalText}
            </Text>
          </div>
        ))}
      </Stack>
    </Card>
  );
}
