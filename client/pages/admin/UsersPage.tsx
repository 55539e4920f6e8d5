import { useMemo, useState } from 'react';
import { Button } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { YesNo } from '../../components/YesNo.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import type { User } from '../../lib/org-types.ts';
import { ResetPasswordForm, UserForm } from './UserForm.tsx';

const col = gridColumnHelper<User>();
const NO_USERS: User[] = [];

export function UsersPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const [resetting, setResetting] = useState<User | null>(null);
  const users = useQuery(trpc.users.list.queryOptions());
  const queryClient = useQueryClient();
  const unlock = useMutation(
    trpc.users.unlock.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'green', message: t('users.unlocked') });
        await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
      },
      onError: (err) => notifications.show({ color: 'red', message: err.message }),
    }),
  );

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('username', { header: 'users.username' }),
        col.accessor('displayName', { header: 'users.displayName' }),
        col.accessor((u) => t(`roles.${u.role}`), { id: 'role', header: 'users.role' }),
        col.accessor((u) => u.personName ?? '', { id: 'person', header: 'users.person' }),
        col.accessor((u) => t(u.locale === 'en' ? 'language.english' : 'language.chinese'), { id: 'locale', header: 'users.locale' }),
        col.accessor('active', { header: 'users.active', cell: (info) => <YesNo value={info.getValue()} /> }),
      ]),
    [t],
  );

  return (
    <div>
      <PageTitle>{t('users.title')}</PageTitle>
      <CrudGrid
        testId="users-grid"
        data={users.data ?? NO_USERS}
        columns={columns}
        getRowId={(u) => String(u.id)}
        loading={users.isPending}
        canWrite // the page is for administrators only; users are deactivated, never deleted
        rowName={(u) => u.username}
        rowExtras={(u) => (
          <>
            <Button size="compact-xs" variant="light" color="orange" onClick={() => setResetting(u)}>
              {t('users.resetPassword')}
            </Button>
            {u.lockedUntil && (
              <Button
                size="compact-xs"
                variant="light"
                color="red"
                data-testid={`unlock-${u.username}`}
                title={t('users.lockedUntil', { time: new Date(u.lockedUntil).toLocaleString() })}
                loading={unlock.isPending}
                onClick={() => unlock.mutate({ id: u.id })}
              >
                {t('users.unlock')}
              </Button>
            )}
          </>
        )}
        form={({ row, onClose }) => <UserForm user={row} onClose={onClose} />}
      />
      {resetting && <ResetPasswordForm user={resetting} onClose={() => setResetting(null)} />}
    </div>
  );
}
