import { useMemo } from 'react';
import { Badge, Button, Group, Menu, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { gridColumnHelper } from '../../components/DataGrid.tsx';
import { CrudGrid } from '../../components/CrudGrid.tsx';
import { YesNo } from '../../components/YesNo.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { useDuties } from '../../lib/duty-names.ts';
import { notifications } from '@mantine/notifications';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { RuleForm } from './RuleForm.tsx';
import { RISK_COLORS, useInvalidateSod } from './use-sod.tsx';
import type { SodRule } from './sod-types.ts';
import { SOD_CYCLES } from '../../../shared/sod-cycle-defaults.ts';

const col = gridColumnHelper<SodRule>();
const NO_RULES: SodRule[] = [];

/** The rules editor: every incompatible-duty rule, the default set one click away. */
export function RulesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('sod.write');
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
  const adopted = async (r: { added: string[]; skipped: string[] }) => {
    await invalidate();
    notifications.show({ color: 'teal', message: t('sodPage.rules.adopted', { added: r.added.length, skipped: r.skipped.length }) });
  };
  const adopt = useMutation(trpc.sod.rules.adoptDefaults.mutationOptions({ onSuccess: adopted, onError: notifyError }));
  const adoptCycle = useMutation(trpc.sod.rules.adoptCycle.mutationOptions({ onSuccess: adopted, onError: notifyError }));

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
      ]),
    [t, nameOf],
  );

  return (
    <div>
      <CrudGrid
        testId="sod-rules-grid"
        data={rules.data ?? NO_RULES}
        columns={columns}
        getRowId={(r) => String(r.id)}
        loading={rules.isPending}
        canWrite={canWrite}
        rowName={(r) => r.code}
        onDelete={(r) => remove.mutate({ id: r.id })}
        form={({ row, onClose }) => <RuleForm rule={row} onClose={onClose} />}
        toolbar={
          canWrite && (
            <Group gap="xs">
              <Button variant="light" onClick={() => adopt.mutate()} loading={adopt.isPending} data-testid="adopt-defaults">
                {t('sodPage.rules.adoptDefaults')}
              </Button>
              <Menu position="bottom-start">
                <Menu.Target>
                  <Button variant="light" loading={adoptCycle.isPending} data-testid="adopt-cycle">
                    {t('sodPage.rules.adoptCycle')}
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  {SOD_CYCLES.map((cycle) => (
                    <Menu.Item key={cycle} onClick={() => adoptCycle.mutate({ cycle })} data-testid={`adopt-cycle-${cycle}`}>
                      {t(`sodPage.rules.cycles.${cycle}`)}
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
            </Group>
          )
        }
      />
    </div>
  );
}
