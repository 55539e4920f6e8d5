import { Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { TextPart } from '../../../shared/text-diff.ts';
import type { ControlChange } from '../../../shared/outline-diff.ts';

const INS = { background: 'var(--mantine-color-teal-1)', color: 'var(--mantine-color-teal-9)', textDecoration: 'none' };
const DEL = { background: 'var(--mantine-color-red-1)', color: 'var(--mantine-color-red-9)' };

const CONTEXT = 60;

/** A long unchanged run keeps only its ends next to the changes around it. */
function elide(value: string, first: boolean, last: boolean): string {
  if (value.length <= CONTEXT * 2 + 10) return value;
  const head = first ? '' : value.slice(0, CONTEXT);
  const tail = last ? '' : value.slice(-CONTEXT);
  return `${head} … ${tail}`;
}

/** A word-level diff: insertions highlighted green, deletions red and struck through. */
export function DiffText({ parts, testId }: { parts: TextPart[]; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid={testId}>
      {parts.map((p, i) =>
        p.added ? (
          <ins key={i} style={INS} title={t('versions.insertions')} data-testid="diff-ins">
            {p.value}
          </ins>
        ) : p.removed ? (
          <del key={i} style={DEL} title={t('versions.deletions')} data-testid="diff-del">
            {p.value}
          </del>
        ) : (
          <span key={i}>{elide(p.value, i === 0, i === parts.length - 1)}</span>
        ),
      )}
    </Text>
  );
}

/** Codes shown in the reader's language; a manual's own evidence types keep their code. */
function valueText(t: TFunction, field: string, v: string | number | boolean | null): string {
  if (v == null || v === '') return t('versions.none');
  const catalogs: Record<string, string> = { frequency: 'frequencies', nature: 'controlNatures', automation: 'automations', scoringMethod: 'scoringMethods', element: 'elements' };
  if (field === 'isKey') return t(v ? 'controlLevels.key' : 'controlLevels.general');
  if (catalogs[field]) return t(`${catalogs[field]}.${String(v)}`);
  return String(v);
}

function Added({ items }: { items: string[] }) {
  return items.map((x) => (
    <ins key={`+${x}`} style={{ ...INS, marginRight: 6 }} data-testid="diff-ins">
      + {x}
    </ins>
  ));
}
function Removed({ items }: { items: string[] }) {
  return items.map((x) => (
    <del key={`-${x}`} style={{ ...DEL, marginRight: 6 }} data-testid="diff-del">
      − {x}
    </del>
  ));
}

/** What changed in one control: value before → after, text as a diff, lists as added/removed. */
export function ControlChanges({ changes }: { changes: ControlChange[] }) {
  const { t } = useTranslation();
  const evidence = (c: string) => t(`evidenceTypes.${c}`, { defaultValue: c });
  const inspection = (i: { method: string; procedure: string }) => `${t(`inspectionMethods.${i.method}`)}：${i.procedure}`;
  return (
    <Stack gap={2}>
      {changes.map((c) => (
        <Group key={c.field} gap={6} align="flex-start" wrap="nowrap" data-testid={`diff-control-${c.field}`}>
          <Badge size="xs" variant="outline" tt="none" style={{ flexShrink: 0, marginTop: 3 }}>
            {t(`versions.controlFields.${c.field}`)}
          </Badge>
          <Text size="sm" component="div">
            {'before' in c ? (
              <>
                <del style={DEL}>{valueText(t, c.field, c.before)}</del> → <ins style={INS}>{valueText(t, c.field, c.after)}</ins>
              </>
            ) : 'parts' in c ? (
              <DiffText parts={c.parts} />
            ) : c.field === 'evidenceTypes' ? (
              <>
                <Added items={c.added.map(evidence)} />
                <Removed items={c.removed.map(evidence)} />
              </>
            ) : c.field === 'inspections' ? (
              <>
                <Added items={c.added.map(inspection)} />
                <Removed items={c.removed.map(inspection)} />
              </>
            ) : (
              <>
                <Added items={c.added} />
                <Removed items={c.removed} />
              </>
            )}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
