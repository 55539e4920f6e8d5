import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc.ts';
import { today, useAmount, useAuthorityLookups } from './authority-data.ts';

/** "Who may approve this?": matter + amount + date → the band, its positions, their holders and delegates. */
export function WhoMayApprovePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const amountText = useAmount();
  const { matterOptions, matterById } = useAuthorityLookups();
  const [matterId, setMatterId] = useState<string | null>(null);
  const [amount, setAmount] = useState<number | ''>('');
  const [date, setDate] = useState(today());
  const [asked, setAsked] = useState<{ matterId: number; amount: number | null; date: string } | null>(null);
  const answer = useQuery({ ...trpc.authority.whoMayApprove.queryOptions(asked ?? { matterId: 0, date }), enabled: asked != null, retry: false });
  const matter = matterId ? matterById.get(Number(matterId)) : undefined;
  const data = answer.data;

  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <Select label={t('authorityUi.who.matter')} data={matterOptions} value={matterId} onChange={setMatterId} searchable allowDeselect={false} w={260} data-testid="who-matter" />
        <NumberInput
          label={t('authorityUi.who.amount')}
          value={amount}
          onChange={(v) => setAmount(v === '' ? '' : Number(v))}
          min={0}
          decimalScale={2}
          thousandSeparator=","
          disabled={matter?.unit === 'none'}
          rightSection={matter && matter.unit !== 'none' ? <Text size="xs">{t(`authority.units.${matter.unit}`)}</Text> : null}
          w={200}
          data-testid="who-amount"
        />
        <TextInput type="date" label={t('authorityUi.who.date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} data-testid="who-date" />
        <Button
          disabled={!matterId || !date}
          loading={answer.isFetching}
          onClick={() => setAsked({ matterId: Number(matterId), amount: amount === '' ? null : Number(amount), date })}
          data-testid="who-submit"
        >
          {t('authorityUi.who.submit')}
        </Button>
      </Group>

      {answer.error && (
        <Alert color="red" data-testid="who-error">
          {answer.error.message}
        </Alert>
      )}
      {data && (
        <Stack data-testid="who-result">
          {data.band ? (
            <Card withBorder data-testid="who-band">
              <Group gap="sm">
                <Text fw={600}>{t('authorityUi.who.band')}</Text>
                <Badge size="lg" variant="light" tt="none" data-testid="who-band-range">
                  {data.band.range}
                </Badge>
                <Text data-testid="who-band-approver">
                  {data.band.approverPositionName
                    ? t('authorityUi.matrix.positionOrAbove', { position: data.band.approverPositionName })
                    : t('authorityUi.matrix.rankAtLeast', { rank: data.band.minLevelRank })}
                </Text>
                <Badge variant="outline" tt="none" color={data.band.mode === 'collective' ? 'grape' : 'gray'}>
                  {t(`authority.modes.${data.band.mode}`)}
                  {data.band.decidingBody ? ` · ${data.band.decidingBody}` : ''}
                  {data.band.quorum ? ` (${data.band.quorum})` : ''}
                </Badge>
                {data.band.minutesRequired && (
                  <Badge color="orange" variant="light" tt="none">
                    {t('authorityUi.who.minutesRequired')}
                  </Badge>
                )}
              </Group>
            </Card>
          ) : (
            <Alert color="orange" data-testid="who-no-band">
              {t('authorityUi.who.noBand')}
            </Alert>
          )}

          {data.band && (
            <SimpleGrid cols={{ base: 1, md: 3 }}>
              <Card withBorder>
                <Title order={5} mb="xs">
                  {t('authorityUi.who.positions')}
                </Title>
                <Stack gap={4} data-testid="who-positions">
                  {data.positions.map((p) => (
                    <Group key={p.id} gap="xs" data-testid="who-position">
                      <Text size="sm">{p.name}</Text>
                      <Text size="xs" c="dimmed">
                        {p.unitName} · {p.levelRank}
                      </Text>
                    </Group>
                  ))}
                </Stack>
              </Card>
              <Card withBorder>
                <Title order={5} mb="xs">
                  {t('authorityUi.who.holders')}
                </Title>
                <Table verticalSpacing={4} data-testid="who-holders">
                  <Table.Tbody>
                    {data.holders.map((h) => (
                      <Table.Tr key={`${h.personId}-${h.positionId}`} data-testid="who-holder">
                        <Table.Td>
                          {h.personName} <Text span size="xs" c="dimmed">{h.employeeNo}</Text>
                        </Table.Td>
                        <Table.Td>{h.positionName}</Table.Td>
                        <Table.Td>
                          <Badge size="sm" variant="light" color={h.kind === 'primary' ? 'blue' : 'orange'}>
                            {t(`assignmentKinds.${h.kind}`)}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {data.holders.length === 0 && <Text c="dimmed">{t('authorityUi.who.none')}</Text>}
              </Card>
              <Card withBorder>
                <Title order={5} mb="xs">
                  {t('authorityUi.who.delegates')}
                </Title>
                {data.matter.nonDelegable ? (
                  <Text size="sm" c="dimmed" data-testid="who-non-delegable">
                    {t('authorityUi.who.nonDelegable')}
                  </Text>
                ) : (
                  <Stack gap={6} data-testid="who-delegates">
                    {data.delegates.map((d) => (
                      <div key={d.delegationId} data-testid="who-delegate">
                        <Text size="sm">
                          {d.personName} <Text span size="xs" c="dimmed">{d.employeeNo} · #{d.delegationId}</Text>
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t('authorityUi.who.delegatedBy', { name: d.delegatorName })}
                          {d.rootDelegatorName !== d.delegatorName ? ` · ${t('authorityUi.who.rootDelegator', { name: d.rootDelegatorName })}` : ''} ·{' '}
                          {t('authorityUi.who.cap')} {d.cap == null ? t('authorityUi.who.noCap') : amountText(d.cap, data.matter.unit)}
                        </Text>
                      </div>
                    ))}
                    {data.delegates.length === 0 && <Text c="dimmed">{t('authorityUi.who.none')}</Text>}
                  </Stack>
                )}
              </Card>
            </SimpleGrid>
          )}
        </Stack>
      )}
    </Stack>
  );
}
