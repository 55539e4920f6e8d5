import { Badge, Group, ScrollArea, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { pairKey } from '../../../shared/sod.ts';
import { RISK_COLORS } from './use-sod.tsx';
import type { SodMatrix } from './sod-types.ts';

/**
 * Duties × duties. Each cell: the rules between the two duties and the number of open (and
 * mitigated) conflicts; the diagonal counts control owners holding the duty their control checks.
 * Symmetric — both halves show the same cell. Clicking a cell filters the conflict list.
 */
export function DutyMatrix(props: {
  matrix: SodMatrix;
  nameOf: (code: string) => string;
  selected: string | null;
  onSelect: (pair: string | null, duties: [string, string] | null) => void;
}) {
  const { t } = useTranslation();
  const { matrix, nameOf, selected } = props;
  const cells = new Map(matrix.cells.map((c) => [c.pair, c]));
  const codes = matrix.duties.map((d) => d.code);

  return (
    <ScrollArea data-testid="sod-matrix">
      <Table withTableBorder withColumnBorders verticalSpacing={4} horizontalSpacing={6} fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            {codes.map((c) => (
              <Table.Th key={c} style={{ whiteSpace: 'nowrap', textAlign: 'center' }}>
                {nameOf(c)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {codes.map((row) => (
            <Table.Tr key={row}>
              <Table.Th style={{ whiteSpace: 'nowrap' }}>{nameOf(row)}</Table.Th>
              {codes.map((colCode) => {
                const key = pairKey(row, colCode);
                const cell = cells.get(key);
                const active = selected === key;
                const bg = active ? 'var(--mantine-color-blue-1)' : cell?.open ? 'var(--mantine-color-red-0)' : undefined;
                return (
                  <Table.Td key={colCode} style={{ background: bg, minWidth: 84, verticalAlign: 'top' }} data-testid={`sod-cell-${row}-${colCode}`}>
                    {cell && (
                      <UnstyledButton
                        w="100%"
                        onClick={() => props.onSelect(active ? null : key, active ? null : [row, colCode])}
                        aria-label={t('sodPage.matrix.cellLabel', { a: nameOf(row), b: nameOf(colCode) })}
                      >
                        <Stack gap={2}>
                          <Group gap={2}>
                            {cell.rules.map((r) => (
                              <Tooltip key={r.id} label={`${t(`sod.scopes.${r.scope}`)} · ${t(`sod.risks.${r.risk}`)}`}>
                                <Badge size="xs" variant={r.active ? 'light' : 'outline'} color={r.active ? RISK_COLORS[r.risk] : 'gray'} tt="none">
                                  {r.code}
                                </Badge>
                              </Tooltip>
                            ))}
                          </Group>
                          {(cell.open > 0 || cell.mitigated > 0) && (
                            <Text size="xs" fw={cell.open ? 700 : 400} c={cell.open ? 'red' : 'dimmed'}>
                              {t('sodPage.matrix.counts', { open: cell.open, mitigated: cell.mitigated })}
                            </Text>
                          )}
                        </Stack>
                      </UnstyledButton>
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>
        {t('sodPage.matrix.hint')}{' '}
        {matrix.positionRules > 0 &&
          t('sodPage.matrix.positionRules', {
            count: matrix.positionRules,
            open: matrix.positionRuleConflicts.open,
            mitigated: matrix.positionRuleConflicts.mitigated,
          })}
      </Text>
    </ScrollArea>
  );
}
