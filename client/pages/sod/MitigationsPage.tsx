import { useMemo, useState } from 'react';
import { Badge, Button, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { saveForm } from '../../lib/errors.ts';
import { todayIso } from '../../../shared/sod.ts';
import { Nowrap, useInvalidateSod } from './use-sod.tsx';
import type { SodMitigation } from './sod-types.ts';

const col = gridColumnHelper<SodMitigation>();
const NO_MITIGATIONS: SodMitigation[] = [];

type MitigationState = 'active' | 'lapsed' | 'revoked' | 'upcoming';
const STATE_COLORS: Record<MitigationState, string> = { active: 'teal', lapsed: 'orange', revoked: 'gray', upcoming: 'blue' };
const stateOf = (m: SodMitigation, today: string): MitigationState =>
  m.revokedAt ? 'revoked' : m.validFrom > today ? 'upcoming' : m.expiresOn >= today ? 'active' : 'lapsed';

/** Every mitigation ever recorded — in force, lapsed or revoked — with revocation for the live ones. */
export function MitigationsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('sod.write');
  const [revoking, setRevoking] = useState<SodMitigation | null>(null);
  const mitigations = useQuery(trpc.sod.mitigations.list.queryOptions());
  const today = todayIso();

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('id', { header: 'sodPage.mitigations.id' }),
        col.accessor('subject', { header: 'sodPage.mitigations.subject' }),
        col.accessor('mitigatingControl', {
          header: 'sodPage.mitigations.control',
          cell: ({ row }) => (
            <Text size="sm" lineClamp={3} maw={360}>
              {row.original.mitigatingControl}
              {row.original.controlTitle ? ` — ${row.original.controlTitle}` : ''}
            </Text>
          ),
        }),
        col.accessor('validFrom', { header: 'sodPage.mitigations.validFrom', cell: ({ getValue }) => <Nowrap>{getValue()}</Nowrap> }),
        col.accessor('expiresOn', { header: 'sodPage.mitigations.expiresOn', cell: ({ getValue }) => <Nowrap>{getValue()}</Nowrap> }),
        col.accessor((m) => t(`sodPage.mitigations.states.${stateOf(m, today)}`), {
          id: 'state',
          header: 'sodPage.mitigations.state',
          cell: ({ row }) => {
            const state = stateOf(row.original, today);
            const reason = row.original.revokeReason;
            return (
              <div>
                <Badge miw="max-content" color={STATE_COLORS[state]} variant="light" data-testid="mitigation-state">
                  {t(`sodPage.mitigations.states.${state}`)}
                </Badge>
                {state === 'revoked' && (
                  <Text size="xs" c="dimmed">
                    {row.original.revokedBy}
                    {reason ? ` · ${reason === 'rule_changed' ? t('sod.revokeReasons.rule_changed') : reason}` : ''}
                  </Text>
                )}
              </div>
            );
          },
        }),
        col.accessor((m) => `${m.createdBy} ${m.createdAt.slice(0, 10)}`, {
          id: 'created',
          header: 'sodPage.mitigations.created',
          cell: ({ getValue }) => <Nowrap>{getValue()}</Nowrap>,
        }),
        ...(canWrite
          ? [
              col.display({
                id: 'actions',
                header: 'common.actions',
                cell: ({ row }) =>
                  row.original.revokedAt ? null : (
                    <Button size="compact-xs" variant="light" color="red" onClick={() => setRevoking(row.original)} data-testid="mitigation-revoke">
                      {t('sodPage.mitigations.revoke')}
                    </Button>
                  ),
              }),
            ]
          : []),
      ]),
    [t, canWrite, today],
  );

  return (
    <div>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sodPage.mitigations.hint')}
      </Text>
      <DataGrid
        testId="sod-mitigations-grid"
        data={mitigations.data ?? NO_MITIGATIONS}
        columns={columns}
        getRowId={(m) => String(m.id)}
        loading={mitigations.isPending}
      />
      {revoking && <RevokeForm mitigation={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}

function RevokeForm({ mitigation, onClose }: { mitigation: SodMitigation; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateSod();
  const revoke = useMutation(trpc.sod.mitigations.revoke.mutationOptions());
  const form = useForm({ mode: 'controlled', initialValues: { reason: '' } });
  const submit = form.onSubmit((values) =>
    saveForm(form, 'sodPage.mitigations.revoked', async () => {
      await revoke.mutateAsync({ id: mitigation.id, reason: values.reason });
      await invalidate();
      onClose();
    }),
  );
  return (
    <FormModal opened onClose={onClose} title={t('sodPage.mitigations.revokeTitle', { id: mitigation.id })} onSubmit={submit} saving={revoke.isPending} testId="revoke-form">
      <Text size="sm">{mitigation.subject}</Text>
      <TextInput label={t('sodPage.mitigations.reason')} {...form.getInputProps('reason')} />
    </FormModal>
  );
}
