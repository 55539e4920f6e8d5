import { useMemo } from 'react';
import { Badge, Button, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { RowActions } from '../../components/RowActions.tsx';
import { YesNo } from '../../components/YesNo.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useEditor } from '../../lib/use-editor.ts';
import { useDuties } from '../../lib/duty-names.ts';
import { notifications } from '@mantine/notifications';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { RuleForm } from './RuleForm.tsx';
import { RISK_COLORS, useInvalidateSod } from './use-sod.tsx';
import type { SodRule } from './sod-types.ts';

const col = gridColumnHelper<SodRule>();
const NO_RULES: SodRule[] = [];

/** The rules editor: every incompatible-duty rule, the default set one click away. */
export function RulesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('sod.write');
  const editor = useEditor<SodRule>();
  const { nameOf } = useDuties();
  const invalidate = useInvalidateSod();
  const rules = useQuery(trpc.sod.rules.list.queryOptions());
  const remove = useMutation(
    trpc.sod.rules.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess('common.deleted');
      },
      onError: notifyError,
    }),
  );
  const adopt = useMutation(
    trpc.sod.rules.adoptDefaults.mutationOptions({
      onSuccess: async (r) => {
        await invalidate();
        notifications.show({ color: 'teal', message: t('sodPage.rules.adopted', { added: r.added.length, skipped: r.skipped.length }) });
      },
      onError: notifyError,
    }),
  );

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('code', { header: 'sodPage.rules.code' }),
        col.accessor((r) => t(`sod.ruleKinds.${r.kind}`), { id: 'kind', header: 'sodPage.rules.kind' }),
        col.accessor((r) => (r.kind === 'duty' ? `${nameOf(r.dutyA ?? '')} ↔ ${nameOf(r.dutyB ?? '')}` : `${r.positionAName} ↔ ${r.positionBName}`), {
          id: 'sides',
          header: 'sodPage.rules.sides',
        }),
        col.accessor((r) => t(`sod.scopes.${r.scope}`), { id: 'scope', header: 'sodPage.rules.scope' }),
        col.accessor((r) => t(`sod.risks.${r.risk}`), {
          id: 'risk',
          header: 'sodPage.rules.risk',
          cell: ({ row }) => (
            <Badge miw="max-content" color={RISK_COLORS[row.original.risk]} variant="light">
              {t(`sod.risks.${row.original.risk}`)}
            </Badge>
          ),
        }),
        col.accessor('rationale', {
          header: 'sodPage.rules.rationale',
          cell: ({ row }) => (
            <Tooltip label={row.original.basis || row.original.rationale} multiline w={360}>
              <Text size="sm" lineClamp={2} maw={380}>
                {row.original.rationale}
              </Text>
            </Tooltip>
          ),
        }),
        col.accessor('active', { header: 'sodPage.rules.active', cell: ({ row }) => <YesNo value={row.original.active} /> }),
        col.accessor('liveMitigations', { header: 'sodPage.rules.liveMitigations' }),
        ...(canWrite
          ? [
              col.display({
                id: 'actions',
                header: 'common.actions',
                cell: ({ row }) => (
                  <RowActions
                    name={row.original.code}
                    onEdit={() => editor.openEdit(row.original)}
                    onDelete={() => remove.mutate({ id: row.original.id })}
                  />
                ),
              }),
            ]
          : []),
      ]),
    [t, nameOf, canWrite, editor.openEdit, remove.mutate],
  );

  return (
    <div>
      <DataGrid
        testId="sod-rules-grid"
        data={rules.data ?? NO_RULES}
        columns={columns}
        getRowId={(r) => String(r.id)}
        loading={rules.isPending}
        toolbar={
          canWrite && (
            <>
              <Button onClick={editor.openCreate} data-testid="create-button">
                {t('common.create')}
              </Button>
              <Button variant="light" onClick={() => adopt.mutate()} loading={adopt.isPending} data-testid="adopt-defaults">
                {t('sodPage.rules.adoptDefaults')}
              </Button>
            </>
          )
        }
      />
      {editor.state.mode === 'create' && <RuleForm onClose={editor.close} />}
      {editor.state.mode === 'edit' && <RuleForm rule={editor.state.row} onClose={editor.close} />}
    </div>
  );
}
