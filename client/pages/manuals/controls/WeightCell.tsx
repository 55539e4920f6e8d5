import { memo } from 'react';
import { Popover, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../../i18n/index.ts';
import { defaultWeight } from '../../../../shared/controls.ts';
import { formatShare } from './matrix-data.ts';
import { useMatrixEditingContext } from './matrix-editing.ts';
import type { MatrixRow } from './matrix-rows.ts';

/** A control's weight: shown as a number; designers click to type a new one (Enter saves, Esc cancels). */
export function WeightCell({ row }: { row: MatrixRow }) {
  const editing = useMatrixEditingContext();
  if (editing.editingId !== row.id) return <WeightValue row={row} canWrite={editing.canWrite} onEdit={editing.startEdit} />;
  return <WeightInput row={row} />;
}

/** The value as text (plain elements: one per row on screen while scrolling). */
const WeightValue = memo(function WeightValue({ row, canWrite, onEdit }: { row: MatrixRow; canWrite: boolean; onEdit: (row: MatrixRow) => void }) {
  const isDefault = row.weightOverride == null;
  const label = (
    <span style={{ fontWeight: isDefault ? 400 : 600, color: isDefault ? 'var(--mantine-color-dimmed)' : undefined }}>
      {row.weight}
      {isDefault ? ` (${i18n.t('matrix.default')})` : ''}
    </span>
  );
  if (!canWrite) return <span data-testid={`matrix-weight-${row.id}`}>{label}</span>;
  const hint = i18n.t('matrix.editWeight', { number: row.number });
  return (
    <button type="button" onClick={() => onEdit(row)} data-testid={`matrix-weight-${row.id}`} aria-label={hint} title={hint} style={plainButton}>
      {label}
    </button>
  );
});

const plainButton = {
  all: 'unset',
  cursor: 'pointer',
  display: 'block',
  width: '100%',
  fontSize: 'inherit',
} as const;

function WeightInput({ row }: { row: MatrixRow }) {
  const { t } = useTranslation();
  const editing = useMatrixEditingContext();
  const placeholder = String(defaultWeight(row.isKey, editing.defaults));
  return (
    <Popover opened position="bottom-start" withinPortal shadow="md" width={440}>
      <Popover.Target>
        <TextInput
          size="xs"
          autoFocus
          value={editing.text}
          placeholder={placeholder}
          error={!!editing.error}
          aria-label={t('matrix.weight')}
          data-testid="matrix-weight-input"
          onChange={(e) => editing.changeText(e.currentTarget.value)}
          onBlur={() => (editing.error ? editing.cancel() : editing.commit())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') editing.commit();
            else if (e.key === 'Escape') editing.cancel();
          }}
        />
      </Popover.Target>
      <Popover.Dropdown p="xs" data-testid="weight-preview">
        {editing.error ? (
          <Text size="xs" c="red" data-testid="matrix-weight-error">
            {editing.error}
          </Text>
        ) : (
          <WeightPreview />
        )}
      </Popover.Dropdown>
    </Popover>
  );
}

/** Before → after: the key-control share of each process this control is in, and its own share. */
function WeightPreview() {
  const { t } = useTranslation();
  const { preview } = useMatrixEditingContext();
  return (
    <Stack gap={4}>
      <Text size="xs" c="dimmed">
        {t('matrix.previewHint')}
      </Text>
      <Table withRowBorders={false} verticalSpacing={2} fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('matrix.process')}</Table.Th>
            <Table.Th>{t('matrix.keyShare')}</Table.Th>
            <Table.Th>{t('matrix.share')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.map((line) => (
            <Table.Tr key={line.processId} data-testid={`weight-preview-${line.processId}`}>
              <Table.Td style={{ maxWidth: 160, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{line.label}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {formatShare(line.before)} → <b>{formatShare(line.after)}</b>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {formatShare(line.beforeShare)} → <b>{formatShare(line.afterShare)}</b>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        {t('matrix.weightKeys')}
      </Text>
    </Stack>
  );
}

/** Key / general as a switch; flipping it saves at once (optimistically). */
export function KeyCell({ row }: { row: MatrixRow }) {
  const editing = useMatrixEditingContext();
  return (
    <Switch
      size="xs"
      checked={row.isKey}
      disabled={!editing.canWrite}
      onChange={(e) => editing.toggleKey(row, e.currentTarget.checked)}
      label={row.levelLabel}
      aria-label={i18n.t('matrix.isKey', { number: row.number })}
      wrapperProps={{ 'data-testid': `matrix-key-${row.id}` }}
      styles={{ label: { paddingLeft: 6 } }}
    />
  );
}
