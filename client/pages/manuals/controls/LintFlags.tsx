import { memo } from 'react';
import { Alert, Badge, Stack, Text, Tooltip } from '@mantine/core';
import type { TFunction } from 'i18next';
import { i18n } from '../../../i18n/index.ts';
import { useTranslation } from 'react-i18next';
import type { LintItem, LintLevel } from '../../../../shared/control-lint.ts';
import { useDuties } from '../../../lib/duty-names.ts';

/** Design-lint findings as flags (grid, outline rows) and as a list (side panel). */

export const LINT_COLORS: Record<LintLevel, string> = { error: 'red', warning: 'orange', info: 'blue' };
const LINT_ICONS: Record<LintLevel, string> = { error: '✕', warning: '⚠', info: 'ℹ' };
const LEVEL_RANK: Record<LintLevel, number> = { error: 0, warning: 1, info: 2 };

/** The message of a finding; a duty (owner_conflict) is named in the UI language, never by its code. */
export function lintMessage(t: TFunction | typeof i18n.t, item: LintItem, dutyName: (code: string) => string): string {
  const { duty } = item.params;
  return t(`lint.${item.code}`, duty == null ? item.params : { ...item.params, duty: dutyName(String(duty)) });
}

/** The most serious level among the items (null when there are none). */
export function worstLevel(items: readonly LintItem[] | undefined): LintLevel | null {
  if (!items?.length) return null;
  return items.reduce<LintLevel>((worst, i) => (LEVEL_RANK[i.level] < LEVEL_RANK[worst] ? i.level : worst), 'info');
}

/**
 * One small badge per finding; the message is its tooltip (title) and accessible name. Plain
 * spans, not Mantine components: a grid shows dozens of these per screen while scrolling.
 */
export const LintBadges = memo(function LintBadges({ items, testId }: { items: readonly LintItem[] | undefined; testId?: string }) {
  const { nameOf } = useDuties();
  if (!items?.length) return <span data-testid={testId} data-lint-count={0} />;
  return (
    <span data-testid={testId} data-lint-count={items.length} style={{ display: 'inline-flex', gap: 2 }}>
      {items.map((item, i) => {
        const message = lintMessage(i18n.t, item, nameOf);
        return (
          <span
            key={`${item.code}-${item.processId}-${i}`}
            role="img"
            title={message}
            aria-label={message}
            data-lint-code={item.code}
            style={{
              cursor: 'help',
              padding: '0 4px',
              borderRadius: 4,
              fontSize: 11,
              lineHeight: '18px',
              background: `var(--mantine-color-${LINT_COLORS[item.level]}-light)`,
              color: `var(--mantine-color-${LINT_COLORS[item.level]}-light-color)`,
            }}
          >
            {LINT_ICONS[item.level]}
          </span>
        );
      })}
    </span>
  );
});

/** A single dot for an outline row: the worst level, all messages in the tooltip. */
export const LintDot = memo(function LintDot({ items, nodeId }: { items: readonly LintItem[] | undefined; nodeId: number }) {
  const { t } = useTranslation();
  const { nameOf } = useDuties();
  const level = worstLevel(items);
  if (!level || !items) return null;
  return (
    <Tooltip
      label={
        <Stack gap={2}>
          {items.map((item, i) => (
            <Text key={i} size="xs">
              {lintMessage(t, item, nameOf)}
            </Text>
          ))}
        </Stack>
      }
      multiline
      w={320}
      withinPortal
    >
      <Badge size="xs" variant="light" color={LINT_COLORS[level]} px={4} style={{ flexShrink: 0 }} data-testid={`outline-lint-${nodeId}`} data-lint-count={items.length}>
        {LINT_ICONS[level]} {items.length}
      </Badge>
    </Tooltip>
  );
});

/** The findings of one node, written out (side panel). */
export function LintList({ items }: { items: readonly LintItem[] | undefined }) {
  const { t } = useTranslation();
  const { nameOf } = useDuties();
  if (!items?.length) return null;
  const sorted = [...items].sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]);
  return (
    <Alert color={LINT_COLORS[sorted[0]!.level]} variant="light" p="xs" title={t('lintPage.panelTitle', { count: items.length })} data-testid="node-lint">
      <Stack gap={4}>
        {sorted.map((item, i) => (
          <Text key={i} size="xs" data-lint-code={item.code}>
            {LINT_ICONS[item.level]} {lintMessage(t, item, nameOf)}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}
