import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterLink, useLocation, useNavigate } from 'react-router';
import { can } from '../../shared/roles.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { ChangePasswordModal } from '../components/ChangePasswordModal.tsx';
import { useTRPC } from '../lib/trpc.ts';
import { notifyError } from '../lib/errors.ts';
import type { SessionUser } from '../lib/session.tsx';
import { navGroups } from './nav.ts';
import { PageOutlet } from '../components/PageOutlet.tsx';

/** The signed-in frame: header with user, language, password, sign-out; navbar grouped per job. */
export function AppLayout({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const [navOpened, nav] = useDisclosure();
  const [pwOpened, pw] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        await navigate('/login', { replace: true });
      },
      onError: notifyError,
    }),
  );

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !navOpened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" />
            <Text fw={700} size="lg">
              {t('app.productName')}
            </Text>
            <Text c="dimmed" visibleFrom="sm">
              {t('app.name')}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" data-testid="current-user" visibleFrom="sm">
              {user.displayName}
            </Text>
            <Badge variant="light" tt="none" data-testid="current-role">
              {t(`roles.${user.role}`)}
            </Badge>
            <LanguageSwitch />
            <Button size="xs" variant="subtle" onClick={pw.open} data-testid="change-password">
              {t('header.changePassword')}
            </Button>
            <Button size="xs" variant="light" onClick={() => logout.mutate()} loading={logout.isPending} data-testid="sign-out">
              {t('header.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <ScrollArea>
          {navGroups.map((group) => {
            const items = group.items.filter((item) => can(user.role, item.permission));
            if (items.length === 0) return null;
            return (
              <div key={group.key}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4}>
                  {t(`nav.groups.${group.key}`)}
                </Text>
                {items.map((item) => (
                  <NavLink
                    key={item.key}
                    component={RouterLink}
                    to={item.path}
                    end={item.path === '/'}
                    label={t(`nav.${item.key}`)}
                    active={item.path === '/' ? location.pathname === '/' : location.pathname.startsWith(item.path)}
                    data-testid={`nav-${item.key}`}
                    onClick={nav.close}
                  />
                ))}
              </div>
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <PageOutlet />
      </AppShell.Main>
      {/* a forced change (the public demo admin password) cannot be dismissed */}
      <ChangePasswordModal opened={pwOpened || !!user.mustChangePassword} forced={!!user.mustChangePassword} onClose={pw.close} />
    </AppShell>
  );
}
