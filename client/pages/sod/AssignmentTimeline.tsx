import { useState } from 'react';
import { Badge, Box, Group, SegmentedControl, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PersonDrillDown } from './sod-types.ts';
import { joinList } from '../../lib/punct.ts';

const DAY = 86_400_000;
const toDay = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const KIND_COLORS = { primary: 'var(--mantine-color-blue-5)', acting: 'var(--mantine-color-orange-5)', concurrent: 'var(--mantine-color-grape-5)' };
const LABEL_WIDTH = 280;

/** The days shown: the whole career, or the conflicting overlaps with some margin. */
function domain(data: PersonDrillDown, focus: boolean): [number, number] {
  const today = toDay(data.asOf);
  if (focus && data.conflicts.length) {
    const from = Math.min(...data.conflicts.map((c) => toDay(c.from!)));
    const to = Math.max(...data.conflicts.map((c) => (c.to ? toDay(c.to) : today)));
    const pad = Math.max(14, Math.round((to - from) * 0.3));
    return [from - pad, to + pad];
  }
  const starts = data.assignments.map((a) => toDay(a.validFrom));
  const ends = data.assignments.map((a) => (a.validTo ? toDay(a.validTo) : today));
  return [Math.min(...starts, today) - 30, Math.max(...ends, today) + 60];
}

/**
 * One bar per assignment on a shared time axis (open-ended bars run to the right edge), today
 * marked, and each conflict's overlap drawn across both assignments it combines (red open,
 * teal mitigated). Long careers make a short overlap thin: "conflict period" zooms onto them.
 */
export function AssignmentTimeline({ data, nameOf }: { data: PersonDrillDown; nameOf: (code: string) => string }) {
  const { t } = useTranslation();
  const [focus, setFocus] = useState(data.conflicts.length > 0);
  const today = data.asOf;
  const { assignments, conflicts } = data;
  if (assignments.length === 0) return <Text c="dimmed">{t('sodPage.person.noAssignments')}</Text>;

  const [lo, hi] = domain(data, focus);
  const clamp = (day: number) => Math.min(hi, Math.max(lo, day));
  const pct = (day: number) => `${(((clamp(day) - lo) / (hi - lo)) * 100).toFixed(3)}%`;
  const span = (from: string, to: string | null) => {
    const a = clamp(toDay(from));
    const b = to ? clamp(toDay(to) + 1) : hi; // inclusive end: the bar covers the whole last day
    return { left: pct(a), width: `${(((b - a) / (hi - lo)) * 100).toFixed(3)}%`, display: b > a ? undefined : 'none' };
  };
  const inView = (day: number) => day >= lo && day <= hi;
  // ticks: years over a long span, months over a short one
  const ticks: { day: number; label: string }[] = [];
  if (hi - lo > 3 * 365) {
    const step = Math.max(1, Math.ceil((hi - lo) / 365 / 12));
    for (let y = new Date(lo * DAY).getUTCFullYear() + 1; Date.UTC(y, 0, 1) / DAY < hi; y += step) ticks.push({ day: Date.UTC(y, 0, 1) / DAY, label: String(y) });
  } else {
    const start = new Date(lo * DAY);
    const step = Math.max(1, Math.ceil((hi - lo) / 30 / 12));
    for (let m = start.getUTCMonth() + 1, y = start.getUTCFullYear(); Date.UTC(y, m, 1) / DAY < hi; m += step) {
      const d = new Date(Date.UTC(y, m, 1));
      ticks.push({ day: d.getTime() / DAY, label: d.toISOString().slice(0, 7) });
    }
  }

  return (
    <Box data-testid="sod-timeline">
      {conflicts.length > 0 && (
        <SegmentedControl
          size="xs"
          mb="xs"
          value={focus ? 'conflicts' : 'all'}
          onChange={(v) => setFocus(v === 'conflicts')}
          data={[
            { value: 'conflicts', label: t('sodPage.person.focusConflicts') },
            { value: 'all', label: t('sodPage.person.focusAll') },
          ]}
          data-testid="timeline-focus"
        />
      )}
      <Box style={{ display: 'flex' }}>
        <Box w={LABEL_WIDTH} />
        <Box style={{ position: 'relative', flex: 1, height: 18 }}>
          {ticks.map((tick) => (
            <Text key={tick.label} size="xs" c="dimmed" style={{ position: 'absolute', left: pct(tick.day), transform: 'translateX(-50%)', whiteSpace: 'nowrap' }}>
              {tick.label}
            </Text>
          ))}
        </Box>
      </Box>
      {assignments.map((a) => {
        const mine = conflicts.filter((c) => c.assignments.some((x) => x.id === a.id));
        return (
          <Box key={a.id} style={{ display: 'flex', alignItems: 'center', borderTop: '1px solid var(--mantine-color-gray-2)' }} py={6} data-testid="timeline-row">
            <Box w={LABEL_WIDTH} pr="sm">
              <Group gap={4} wrap="nowrap">
                <Badge size="xs" variant="light" color={a.kind === 'primary' ? 'blue' : a.kind === 'acting' ? 'orange' : 'grape'}>
                  {t(`assignmentKinds.${a.kind}`)}
                </Badge>
                <Text size="sm" fw={600} truncate>
                  {a.positionName}
                </Text>
              </Group>
              <Text size="xs" c="dimmed" truncate>
                {a.unitName} · {a.validFrom} – {a.validTo ?? t('sodPage.openEnded')}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {joinList(t, a.duties.map(nameOf))}
              </Text>
            </Box>
            <Box style={{ position: 'relative', flex: 1, height: 22, background: 'var(--mantine-color-gray-0)' }}>
              <Box
                style={{
                  position: 'absolute',
                  top: 4,
                  height: 14,
                  borderRadius: a.validTo ? 3 : '3px 0 0 3px',
                  background: KIND_COLORS[a.kind],
                  opacity: 0.75,
                  ...span(a.validFrom, a.validTo),
                }}
              />
              {mine.map((c) => (
                <Tooltip key={`${c.key}@${c.from}`} label={`${c.ruleCode ?? ''} ${c.from} – ${c.to ?? t('sodPage.openEnded')}`}>
                  <Box
                    data-testid="timeline-overlap"
                    style={{
                      position: 'absolute',
                      top: 0,
                      height: 22,
                      border: `2px solid var(--mantine-color-${c.status === 'open' ? 'red' : 'teal'}-6)`,
                      background: `repeating-linear-gradient(45deg, transparent 0 4px, var(--mantine-color-${c.status === 'open' ? 'red' : 'teal'}-3) 4px 7px)`,
                      ...span(c.from!, c.to),
                    }}
                  />
                </Tooltip>
              ))}
              {inView(toDay(today)) && (
                <Box style={{ position: 'absolute', top: -4, bottom: -4, left: pct(toDay(today)), borderLeft: '1px dashed var(--mantine-color-dark-3)' }} />
              )}
            </Box>
          </Box>
        );
      })}
      <Group gap="md" mt="xs">
        {(['primary', 'acting', 'concurrent'] as const).map((k) => (
          <Group key={k} gap={4}>
            <Box w={14} h={10} style={{ background: KIND_COLORS[k], opacity: 0.75 }} />
            <Text size="xs">{t(`assignmentKinds.${k}`)}</Text>
          </Group>
        ))}
        <Group gap={4}>
          <Box w={14} h={10} style={{ border: '2px solid var(--mantine-color-red-6)' }} />
          <Text size="xs">{t('sodPage.person.overlap')}</Text>
        </Group>
        <Text size="xs" c="dimmed">
          {t('sodPage.person.todayLine', { date: today })}
        </Text>
      </Group>
    </Box>
  );
}
