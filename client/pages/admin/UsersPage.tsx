import { useMemo, useState } from 'react';
import { Button } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { YesNo } from '../../components/YesNo.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useEditor } from '../../lib/use-editor.ts';
import type { User } from '../../lib/org-types.ts';
import { ResetPasswordForm, UserForm } from './UserForm.tsx';

const col = gridColumnHelper<User>();
const NO_USERS: User[] = [];

export function UsersPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const editor = useEditor<User>();
  const [resetting, setResetting] = useState<User | null>(null);
  const users = useQuery(trpc.users.list.queryOptions());

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('username', { header: 'users.username' }),
        col.accessor('displayName', { header: 'users.displayName' }),
        col.accessor((u) => t(`roles.${u.role}`), { id: 'role', header: 'users.role' }),
        col.accessor((u) => u.personName ?? '', { id: 'person', header: 'users.person' }),
        col.accessor((u) => t(u.locale === 'en' ? 'language.en' : 'language.zh'), { id: 'locale', header: 'users.locale' }),
        col.accessor('active', { header: 'users.active', cell: (info) => <YesNo value={info.getValue()} /> }),
        col.display({
          id: 'actions',
          header: 'common.actions',
          cell: ({ row }) => (
            <RowActions name={row.original.username} onEdit={() => editor.openEdit(row.original)}>
              <Button size="compact-xs" variant="light" color="orange" onClick={() => setResetting(row.original)}>
                {t('users.resetPassword')}
              </Button>
            </RowActions>
          ),
        }),
      ]),
    [t, editor.openEdit],
  );

  return (
    <div>
      <PageTitle>{t('users.title')}</PageTitle>
      <DataGrid
        testId="users-grid"
        data={users.data ?? NO_USERS}
        columns={columns}
        getRowId={(u) => String(u.id)}
        loading={users.isPending}
        toolbar={
          <Button onClick={editor.openCreate} data-testid="create-button">
            {t('common.create')}
          </Button>
        }
      />
      {editor.state.mode === 'create' && <UserForm onClose={editor.close} />}
      {editor.state.mode === 'edit' && <UserForm user={editor.state.row} onClose={editor.close} />}
      {resetting && <ResetPasswordForm user={resetting} onClose={() => setResetting(null)} />}
    </div>
  );
}
