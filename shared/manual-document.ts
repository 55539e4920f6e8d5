import type { NodeKind } from './outline.ts';
import type { SnapshotControl } from './controls.ts';
import { renderBody } from './references.ts';

/**
 * A manual as a Word document (docs/design.md §3.8), planned without I/O: the outline becomes a
 * list of blocks (cover lines, headings with typed numbers, body paragraphs, control tables) with
 * every label already in the chosen language. server/manual-docx turns the blocks into a .docx.
 */

/** Word has built-in heading styles Heading1..Heading9; deeper items are indented body text. */
export const MAX_HEADING_LEVEL = 9;

export interface DocumentManual {
  code: string;
  title: string;
  documentNumber: string;
  versionLabel: string;
  effectiveDate: string | null;
  publisher: string;
}

export interface DocumentNode {
  id: number;
  kind: NodeKind;
  number: string;
  depth: number;
  title: string;
  /** may still hold [[node:ID]] tokens: they are rendered with the numbers of this document */
  body: string;
  control?: SnapshotControl;
}

export interface ManualDocumentInput {
  manual: DocumentManual;
  /** null: the working draft, exported marked as a draft */
  version: { no: number; publishedAt: string } | null;
  /** the date written on a draft's cover (YYYY-MM-DD) */
  exportedOn: string;
  /** document (pre-)order */
  nodes: DocumentNode[];
  /** custom evidence type code → name (builtin codes are translated) */
  evidenceNames: ReadonlyMap<string, string>;
}

export type Translate = (key: string, params?: Record<string, unknown>) => string;

export type Block =
  /** level 1..9 → HeadingN; text starts with the typed number */
  | { type: 'heading'; level: number; text: string }
  /** body text; indent > 0 for items deeper than Heading9 (their titles are bold) */
  | { type: 'paragraph'; text: string; indent: number; bold?: boolean }
  | { type: 'control'; rows: { label: string; lines: string[] }[] };

export interface DocumentPlan {
  title: string;
  draft: boolean;
  /** 草稿 / DRAFT: on a draft's cover and in its header */
  draftMark: string;
  /** the header text of every page */
  header: string;
  /** cover: the title, then one labelled property per line (文号：… / 版本：… / 生效日期：… / 发布：…) */
  coverLines: string[];
  /** a line under the properties: published version and date, or the draft mark */
  coverStatus: string;
  contentsTitle: string;
  /** the footer split around its two fields: [before PAGE, between PAGE and NUMPAGES, after] */
  footer: [string, string, string];
  blocks: Block[];
}

// Characters XML 1.0 cannot carry (a .docx with them does not open): control characters but tab,
// newline and carriage return, lone surrogates, and U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex -- these control characters are what it removes
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
export const xmlSafe = (text: string): string => text.replace(NOT_XML, '');

const FIELD_MARK = '\u0001';

/** Split a translated template around its {{current}} and {{total}} placeholders. */
function splitFooter(t: Translate): [string, string, string] {
  const [before = '', middle = '', after = ''] = t('manualDocx.pageOf', { current: FIELD_MARK, total: FIELD_MARK }).split(FIELD_MARK);
  return [before, middle, after];
}

/** The rows of a control's table: level, weight, owner, frequency, evidence, inspection points (+ objective, risk when written). */
export function controlRows(c: SnapshotControl, t: Translate, evidenceNames: ReadonlyMap<string, string>): { label: string; lines: string[] }[] {
  const none = t('manualDocx.none');
  const sep = t('manualDocx.listSeparator');
  const evidence = c.evidenceTypes.map((code) => evidenceNames.get(code) ?? t(`evidenceTypes.${code}`));
  const owner = c.ownerPositionName ? (c.ownerUnitName ? `${c.ownerPositionName}（${c.ownerUnitName}）` : c.ownerPositionName) : none;
  const rows = [
    { label: t('manualDocx.level'), lines: [t(`controlLevels.${c.isKey ? 'key' : 'general'}`)] },
    { label: t('manualDocx.weight'), lines: [String(c.weight)] },
    { label: t('manualDocx.owner'), lines: [owner] },
    { label: t('manualDocx.frequency'), lines: [t(`frequencies.${c.frequency}`)] },
    { label: t('manualDocx.evidence'), lines: [evidence.length ? evidence.join(sep) : none] },
    {
      label: t('manualDocx.inspections'),
      lines: c.inspections.length ? c.inspections.map((i) => (i.procedure ? `${t(`inspectionMethods.${i.method}`)}：${i.procedure}` : t(`inspectionMethods.${i.method}`))) : [none],
    },
  ];
  if (c.objective) rows.push({ label: t('manualDocx.objective'), lines: c.objective.split('\n') });
  if (c.risk) rows.push({ label: t('manualDocx.risk'), lines: c.risk.split('\n') });
  return rows.map((r) => ({ label: r.label, lines: r.lines.map(xmlSafe) }));
}

/** Labels repeat on every control table: each message is looked up once per document. */
function memo(t: Translate): Translate {
  const cache = new Map<string, string>();
  return (key, params) => {
    if (params) return t(key, params);
    let text = cache.get(key);
    if (text === undefined) cache.set(key, (text = t(key)));
    return text;
  };
}

export function planManualDocument(input: ManualDocumentInput, translate: Translate): DocumentPlan {
  const t = memo(translate);
  const { manual, version } = input;
  const draft = version == null;
  const title = xmlSafe(manual.title);
  const numberById = new Map(input.nodes.map((n) => [n.id, n.number]));
  const versionText = manual.versionLabel || (version ? `V${version.no}` : t('manualDocx.fileDraft'));
  const coverLines = [
    t('manualDocx.coverDocumentNumber', { value: manual.documentNumber }),
    t('manualDocx.coverVersion', { value: versionText }),
    t('manualDocx.coverEffectiveDate', { value: manual.effectiveDate ?? '' }),
    t('manualDocx.coverPublisher', { value: manual.publisher }),
  ].map(xmlSafe);
  const coverStatus = version
    ? t('manualDocx.publishedVersion', { version: version.no, date: version.publishedAt.slice(0, 10) })
    : `${t('manualDocx.draftMark')} · ${t('manualDocx.draftVersion', { date: input.exportedOn })}`;

  const blocks: Block[] = [];
  for (const n of input.nodes) {
    const heading = xmlSafe(`${n.number} ${n.title}`);
    const level = n.depth + 1;
    // past Heading9 the item stays in the text, indented by how much deeper it is
    const indent = Math.max(0, level - MAX_HEADING_LEVEL);
    if (indent === 0) blocks.push({ type: 'heading', level, text: heading });
    else blocks.push({ type: 'paragraph', text: heading, indent, bold: true });
    if (n.body) {
      const body = n.body.includes('[[node:') ? renderBody(n.body, (id) => numberById.get(id)) : n.body;
      for (const line of xmlSafe(body).split(/\r?\n/)) if (line.trim()) blocks.push({ type: 'paragraph', text: line, indent });
    }
    if (n.kind === 'control' && n.control) blocks.push({ type: 'control', rows: controlRows(n.control, t, input.evidenceNames) });
  }
  return {
    title,
    draft,
    draftMark: t('manualDocx.draftMark'),
    header: draft ? `${title}　${t('manualDocx.draftMark')}` : title,
    coverLines,
    coverStatus,
    contentsTitle: t('manualDocx.contents'),
    footer: splitFooter(t),
    blocks,
  };
}
