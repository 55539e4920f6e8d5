import { useState } from 'react';
import { Badge, Button, Group, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { ManualForm } from './ManualsPage.tsx';
import { PageOutlet } from '../../components/PageOutlet.tsx';

const TABS = ['outline', 'document', 'versions', 'processes', 'controls', 'overlap', 'lint', 'references', 'import', 'rcm-import'] as const;

/** The manual id from the route (/manuals/:id/...). */
export function useManualId(): number {
  const { id } = useParams();
  return Number(id);
}

/** Header with the manual's code/title and tabs between its pages. */
export function ManualLayout() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const manualId = useManualId();
  const navigate = useNavigate();
  const location = useLocation();
  const canWrite = useCan('manual.write');
  const [editing, setEditing] = useState(false);
  const manuals = useQuery(trpc.manual.list.queryOptions());
  const manual = manuals.data?.find((m) => m.id === manualId);
  const sub = location.pathname.split('/')[3] ?? 'outline';
  const tabs = TABS.filter((tab) => tab !== 'import' || canWrite);

  return (
    <div>
      <Group justify="space-between" mb="xs" className="cb-no-print" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          {manual && (
            <Badge variant="outline" size="lg" tt="none">
              {manual.code}
            </Badge>
          )}
          <Title order={3} data-testid="manual-title-heading" lineClamp={1}>
            {manual?.title ?? ''}
          </Title>
          {manual && (
            <Text size="sm" c="dimmed" visibleFrom="md">
              {t(`numberingStyles.${manual.numberingStyle}`)}
            </Text>
          )}
        </Group>
        {canWrite && manual && (
          <Button size="xs" variant="subtle" onClick={() => setEditing(true)} data-testid="manual-edit">
            {t('common.edit')}
          </Button>
        )}
      </Group>
      <Tabs
        value={sub}
        onChange={(v) => v && void navigate(v === 'outline' ? `/manuals/${manualId}` : `/manuals/${manualId}/${v}`)}
        mb="sm"
        className="cb-no-print"
      >
        <Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab} value={tab} data-testid={`manual-tab-${tab}`}>
              {t(`manuals.tabs.${tab}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <PageOutlet />
      {editing && manual && <ManualForm manual={manual} onClose={() => setEditing(false)} />}
    </div>
  );
}
