import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { PageTitle } from '../../components/PageTitle.tsx';
import { PageOutlet } from '../../components/PageOutlet.tsx';

const TABS = ['conflicts', 'rules', 'duties', 'mitigations'] as const;

/** Segregation of duties (不相容职务): tabs between conflicts, rules, duty categories and mitigations. */
export function SodLayout() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sub = useLocation().pathname.split('/')[2] ?? 'conflicts';
  const tab = (TABS as readonly string[]).includes(sub) ? sub : 'conflicts';
  return (
    <div>
      <PageTitle>{t('sodPage.title')}</PageTitle>
      <Tabs value={tab} onChange={(v) => v && void navigate(v === 'conflicts' ? '/sod' : `/sod/${v}`)} mb="md">
        <Tabs.List>
          {TABS.map((key) => (
            <Tabs.Tab key={key} value={key} data-testid={`sod-tab-${key}`}>
              {t(`sodPage.tabs.${key}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <PageOutlet />
    </div>
  );
}
