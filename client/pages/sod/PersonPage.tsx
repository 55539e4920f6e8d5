import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useDuties } from '../../lib/duty-names.ts';
import { AssignmentTimeline } from './AssignmentTimeline.tsx';
import { ConflictStatusBadge } from './ConflictStatusBadge.tsx';
import { MitigationForm } from './MitigationForm.tsx';
import { conflictPair, periodText } from './conflict-text.ts';
import { RISK_COLORS } from './use-sod.tsx';
import type { SodConflict } from './sod-types.ts';

/** One person: the timeline of their assignments with conflicting overlaps, and those conflicts. */
export function PersonPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const personId = Number(useParams().personId);
  const canWrite = useCan('sod.write');
  const { nameOf } = useDuties();
  const [mitigating, setMitigating] = useState<SodConflict | null>(null);
  const view = useQuery(trpc.sod.person.queryOptions({ personId }));
  if (view.error) return <Text c="red">{view.error.message}</Text>;
  if (!view.data) return <Text c="dimmed">{t('app.loading')}</Text>;
  const { person, conflicts } = view.data;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={4} data-testid="sod-person-title">
          {t('sodPage.person.title', { name: person.name, employeeNo: person.employeeNo })}
        </Title>
        <Anchor component={Link} to="/sod" size="sm">
          {t('sodPage.person.back')}
        </Anchor>
      </Group>
      <Card withBorder>
        <Text fw={600} mb="xs">
          {t('sodPage.person.timeline')}
        </Text>
        <AssignmentTimeline data={view.data} nameOf={nameOf} />
      </Card>
      <Card withBorder>
        <Text fw={600} mb="xs">
          {t('sodPage.person.conflicts', { count: conflicts.length })}
        </Text>
        {conflicts.length === 0 ? (
          <Text c="dimmed">{t('sodPage.person.noConflicts')}</Text>
        ) : (
          <Table data-testid="sod-person-conflicts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('sodPage.columns.risk')}</Table.Th>
                <Table.Th>{t('sodPage.columns.rule')}</Table.Th>
                <Table.Th>{t('sodPage.columns.pair')}</Table.Th>
                <Table.Th>{t('sodPage.columns.positions')}</Table.Th>
                <Table.Th>{t('sodPage.columns.period')}</Table.Th>
                <Table.Th>{t('sodPage.columns.status')}</Table.Th>
                {canWrite && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {conflicts.map((c) => (
                <Table.Tr key={`${c.key}@${c.from}`}>
                  <Table.Td>
                    <Badge miw="max-content" color={RISK_COLORS[c.risk]} variant="light">
                      {t(`sod.risks.${c.risk}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{c.ruleCode}</Table.Td>
                  <Table.Td>{conflictPair(c, nameOf)}</Table.Td>
                  <Table.Td>
                    {c.assignments
                      .map((a, i) => `${c.positions[i]?.name ?? ''} (${t(`assignmentKinds.${a.kind}`)})`)
                      .join(' + ')}
                  </Table.Td>
                  <Table.Td>{periodText(c.from, c.to, t('sodPage.openEnded'))}</Table.Td>
                  <Table.Td>
                    <ConflictStatusBadge conflict={c} />
                  </Table.Td>
                  {canWrite && (
                    <Table.Td>
                      {c.status === 'open' && (
                        <Button size="compact-xs" variant="light" color="orange" onClick={() => setMitigating(c)}>
                          {t('sodPage.mitigate')}
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      {mitigating && <MitigationForm conflict={mitigating} nameOf={nameOf} onClose={() => setMitigating(null)} />}
    </Stack>
  );
}
