import { Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc.ts';
import { useSessionUser } from '../../lib/session.tsx';

function CountCard({ label, value, testId }: { label: string; value: number | undefined; testId: string }) {
  return (
    <Card withBorder padding="lg" data-testid={testId}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={32} fw={700}>
        {value ?? '–'}
      </Text>
    </Card>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const { user } = useSessionUser();
  const units = useQuery(trpc.org.units.list.queryOptions());
  const positions = useQuery(trpc.org.positions.list.queryOptions({}));
  const people = useQuery(trpc.org.people.list.queryOptions());
  if (!user) return null;
  return (
    <div>
      <Title order={2} data-testid="home-greeting">
        {t('home.greeting', { name: user.displayName })}
      </Title>
      <Card withBorder mt="md" padding="lg">
        <Group gap="xs">
          <Text fw={600}>{t('home.yourRole', { role: t(`roles.${user.role}`) })}</Text>
        </Group>
        <Text c="dimmed" mt={4}>
          {t(`home.roleDescriptions.${user.role}`)}
        </Text>
      </Card>
      <Title order={4} mt="xl" mb="sm">
        {t('home.orgOverview')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <CountCard label={t('home.counts.units')} value={units.data?.length} testId="count-units" />
        <CountCard label={t('home.counts.positions')} value={positions.data?.length} testId="count-positions" />
        <CountCard label={t('home.counts.people')} value={people.data?.length} testId="count-people" />
      </SimpleGrid>
    </div>
  );
}
