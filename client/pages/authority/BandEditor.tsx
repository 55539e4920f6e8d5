import { useState } from 'react';
import { Alert, Button, Group, List, Modal, NumberInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { APPROVAL_MODES, bandProblemMessage, formatBand, validateBands, type ApprovalMode, type BandInput } from '../../../shared/authority.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { fieldErrorsOf, notifySuccess, reportError } from '../../lib/errors.ts';
import { today, useAuthorityLookups, useInvalidateAuthority, type Matter, type Rule } from './authority-data.ts';

interface BandRow {
  lower: number | '';
  upper: number | '';
  by: 'rank' | 'position';
  rank: number | '';
  positionId: string | null;
  mode: ApprovalMode;
  decidingBody: string;
  quorum: number | '';
}

const num = (v: number | '') => (v === '' ? null : Number(v));

function rowOf(r: Rule): BandRow {
  return {
    lower: r.lowerBound ?? '',
    upper: r.upperBound ?? '',
    by: r.approverPositionId ? 'position' : 'rank',
    rank: r.minLevelRank ?? '',
    positionId: r.approverPositionId ? String(r.approverPositionId) : null,
    mode: r.mode,
    decidingBody: r.decidingBody ?? '',
    quorum: r.quorum ?? '',
  };
}

function toInput(r: BandRow): BandInput {
  return {
    lowerBound: num(r.lower),
    upperBound: num(r.upper),
    approverPositionId: r.by === 'position' && r.positionId ? Number(r.positionId) : null,
    minLevelRank: r.by === 'rank' ? num(r.rank) : null,
    mode: r.mode,
    decidingBody: r.decidingBody.trim() || null,
    quorum: num(r.quorum),
  };
}

/** Edit one matter's bands as a grid; overlaps and gaps show while typing and block saving. */
export function BandEditor({ matter, current, onClose }: { matter: Matter; current: Rule[]; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const invalidate = useInvalidateAuthority();
  const { positionOptions } = useAuthorityLookups();
  const [effectiveFrom, setEffectiveFrom] = useState(today());
  const [rows, setRows] = useState<BandRow[]>(() =>
    current.length ? current.map(rowOf) : [{ lower: '', upper: '', by: 'rank', rank: 60, positionId: null, mode: 'individual', decidingBody: '', quorum: '' }],
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const history = useQuery(trpc.authority.rules.queryOptions({ matterId: matter.id })).data ?? [];
  const save = useMutation(trpc.authority.saveMatrix.mutationOptions());
  const problems = validateBands(rows.map(toInput), matter.unit).map((p) => {
    const m = bandProblemMessage(p);
    return t(m.key, m.params);
  });
  const set = (i: number, patch: Partial<BandRow>) => setRows((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const err = (i: number, field: string) => errors[`bands.${i}.${field}`];

  const submit = async () => {
    try {
      await save.mutateAsync({ matterId: matter.id, effectiveFrom, bands: rows.map(toInput) });
      await invalidate();
      notifySuccess('authorityUi.matrix.saved');
      onClose();
    } catch (e) {
      setErrors(fieldErrorsOf(e));
      reportError(e);
    }
  };
  const older = history.filter((r) => r.validTo != null);

  return (
    <Modal opened onClose={onClose} title={t('authorityUi.matrix.editTitle', { name: matter.name })} size="90%" centered>
      <Stack gap="sm" data-testid="band-editor">
        <Group align="flex-end">
          <TextInput type="date" label={t('authorityUi.matrix.effectiveFrom')} value={effectiveFrom} onChange={(e) => setEffectiveFrom(e.currentTarget.value)} error={errors.effectiveFrom} data-testid="band-effective-from" />
          <Text size="sm" c="dimmed" maw={640}>
            {t('authorityUi.matrix.effectiveHint')}
          </Text>
        </Group>
        <Table withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('authorityUi.matrix.lower')}</Table.Th>
              <Table.Th>{t('authorityUi.matrix.upper')}</Table.Th>
              <Table.Th>{t('authorityUi.matrix.approverKind')}</Table.Th>
              <Table.Th>{t('authorityUi.matrix.rank')} / {t('authorityUi.matrix.position')}</Table.Th>
              <Table.Th>{t('authorityUi.matrix.mode')}</Table.Th>
              <Table.Th>{t('authorityUi.matrix.decidingBody')}</Table.Th>
              <Table.Th>{t('authorityUi.matrix.quorum')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, i) => (
              <Table.Tr key={i} data-testid="band-row">
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>
                  <NumberInput size="xs" w={130} min={0} placeholder={t('authorityUi.matrix.unbounded')} value={r.lower} onChange={(v) => set(i, { lower: v === '' ? '' : Number(v) })} disabled={matter.unit === 'none'} data-testid="band-lower" />
                </Table.Td>
                <Table.Td>
                  <NumberInput size="xs" w={130} min={0} placeholder={t('authorityUi.matrix.unbounded')} value={r.upper} onChange={(v) => set(i, { upper: v === '' ? '' : Number(v) })} disabled={matter.unit === 'none'} data-testid="band-upper" />
                </Table.Td>
                <Table.Td>
                  <Select
                    size="xs"
                    w={110}
                    allowDeselect={false}
                    data={[
                      { value: 'rank', label: t('authorityUi.matrix.byRank') },
                      { value: 'position', label: t('authorityUi.matrix.byPosition') },
                    ]}
                    value={r.by}
                    onChange={(v) => set(i, { by: (v as BandRow['by']) ?? 'rank' })}
                  />
                </Table.Td>
                <Table.Td>
                  {r.by === 'rank' ? (
                    <NumberInput size="xs" w={90} min={1} max={99} allowDecimal={false} value={r.rank} onChange={(v) => set(i, { rank: v === '' ? '' : Number(v) })} error={err(i, 'approverPositionId')} data-testid="band-rank" />
                  ) : (
                    <Select size="xs" w={260} searchable data={positionOptions} value={r.positionId} onChange={(v) => set(i, { positionId: v })} error={err(i, 'approverPositionId')} />
                  )}
                </Table.Td>
                <Table.Td>
                  <Select size="xs" w={120} allowDeselect={false} data={APPROVAL_MODES.map((m) => ({ value: m, label: t(`authority.modes.${m}`) }))} value={r.mode} onChange={(v) => set(i, { mode: (v as ApprovalMode) ?? 'individual' })} />
                </Table.Td>
                <Table.Td>
                  <TextInput size="xs" w={150} value={r.decidingBody} onChange={(e) => set(i, { decidingBody: e.currentTarget.value })} error={err(i, 'decidingBody')} />
                </Table.Td>
                <Table.Td>
                  <NumberInput size="xs" w={80} min={2} allowDecimal={false} value={r.quorum} onChange={(v) => set(i, { quorum: v === '' ? '' : Number(v) })} error={err(i, 'quorum')} />
                </Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="light" color="red" onClick={() => setRows((rs) => rs.filter((_, k) => k !== i))} disabled={rows.length === 1}>
                    {t('authorityUi.matrix.removeBand')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group>
          <Button
            variant="default"
            size="xs"
            onClick={() => setRows((rs) => [...rs, { lower: rs[rs.length - 1]?.upper ?? '', upper: '', by: 'rank', rank: 70, positionId: null, mode: 'individual', decidingBody: '', quorum: '' }])}
            data-testid="band-add"
          >
            {t('authorityUi.matrix.addBand')}
          </Button>
        </Group>
        {problems.length ? (
          <Alert color="red" title={t('authorityUi.matrix.problems')} data-testid="band-problems">
            <List size="sm">
              {problems.map((p) => (
                <List.Item key={p}>{p}</List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          <Alert color="teal" data-testid="band-ok">
            {t('authorityUi.matrix.valid')}
          </Alert>
        )}
        {older.length > 0 && (
          <div>
            <Text fw={600} size="sm" mb={4}>
              {t('authorityUi.matrix.history')}
            </Text>
            <List size="sm">
              {older.map((r) => (
                <List.Item key={r.id}>
                  {t('authorityUi.matrix.version', { no: r.versionNo })} · {r.validFrom} – {r.validTo} · {formatBand(r.lowerBound, r.upperBound)} ·{' '}
                  {r.approverPositionName ? t('authorityUi.matrix.positionOrAbove', { position: r.approverPositionName }) : t('authorityUi.matrix.rankAtLeast', { rank: r.minLevelRank })}
                </List.Item>
              ))}
            </List>
          </div>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void submit()} loading={save.isPending} data-testid="band-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
