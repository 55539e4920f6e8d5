import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useCan } from '../../lib/session.tsx';
import { PageOutlet } from '../../components/PageOutlet.tsx';

const TABS = ['matrix', 'who', 'delegations', 'approvals', 'import', 'violations'] as const;

/** Approval authority (授权审批): matrix, who-may-approve lookup, delegations, records, import, violations. */
export function AuthorityLayout() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const canImport = useCan('approvals.write');
  const sub = useLocation().pathname.split('/')[2] ?? 'matrix';
  const tabs = TABS.filter((tab) => tab !== 'import' || canImport);
  const tab = (tabs as readonly string[]).includes(sub) ? sub : 'matrix';
  return (
    <div>
      <PageTitle>{t('authorityUi.title')}</PageTitle>
      <Tabs value={tab} onChange={(v) => v && void navigate(v === 'matrix' ? '/authority' : `/authority/${v}`)} mb="md">
        <Tabs.List>
          {tabs.map((key) => (
            <Tabs.Tab key={key} value={key} data-testid={`authority-tab-${key}`}>
              {t(`authorityUi.tabs.${key}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <PageOutlet />
    </div>
  );
}
