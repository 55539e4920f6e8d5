import {
  AUTOMATIONS,
  CONTROL_NATURES,
  defaultWeight,
  ELEMENTS,
  EVIDENCE_TYPES,
  FREQUENCIES,
  INSPECTION_METHODS,
  MAX_WEIGHT,
  SCORING_METHODS,
  type ControlAttributes,
  type ManualWeights,
} from './controls.ts';
import { kindAllowedUnder, PROCESS_STATUSES, type NodeKind, type ProcessStatus } from './outline.ts';
import { normaliseHeader, toHalfWidth } from './approval-import.ts';
import { zhCN } from './i18n/zh-CN.ts';
import { en } from './i18n/en.ts';

/**
 * The control matrix (RCM) as a sheet: one row per process, step or control, numbered 1, 1.1,
 * 1.1.1 …; columns found by header in Chinese or English. Pure: the server reads the .xlsx and
 * loads the lookups (positions, duties, the manual's own evidence types), this module turns rows
 * into an outline plan with every row-level error, and the export writes the same columns.
 */

export const RCM_FIELDS = [
  'number',
  'process',
  'step',
  'control',
  'key',
  'weight',
  'frequency',
  'owner',
  'evidence',
  'objective',
  'risk',
  'inspection',
  'nature',
  'automation',
  'scoringMethod',
  'tolerance',
  'element',
  'checkedDuty',
  'status',
  'alsoIn',
] as const;
export type RcmField = (typeof RCM_FIELDS)[number];
export const RCM_REQUIRED: readonly RcmField[] = ['number', 'process', 'control'];

/** Where the client posts a matrix (raw body; `?dryRun=1&name=…`); answers NDJSON progress. */
export const rcmImportUrl = (manualId: number) => `/api/manuals/${manualId}/rcm-import`;
export const rcmExportUrl = (manualId: number, lang: string) => `/api/manuals/${manualId}/rcm.xlsx?lang=${encodeURIComponent(lang)}`;
export const RCM_IMPORT_MAX_MB = 30;
export const RCM_MAX_ROWS = 50_000;
/** preview items and errors sent back (the counts are always complete) */
export const RCM_MAX_REPORTED = 1000;

export const RCM_LIMITS = { title: 500, text: 10_000, number: 60, list: 50 } as const;

// ── headers ─────────────────────────────────────────────────────
const EXTRA_ALIASES: Record<RcmField, string[]> = {
  number: ['序号', '控制编号', '控制点编号', '条目编号', 'no', 'number', 'ref', 'refno', '#'],
  process: ['业务流程', '流程名称', 'businessprocess', 'processname'],
  step: ['步骤', '子流程', '控制环节', 'subprocess', 'stepname'],
  control: ['控制点名称', '控制活动', '控制措施', 'controlpoint', 'controlactivity', 'controlname'],
  key: ['关键控制', '关键控制点', '关键/一般', '控制级别', '是否关键', 'keycontrol', 'level', 'key/general'],
  weight: ['分值', 'weight'],
  frequency: ['控制频率', '执行频率', 'frequency'],
  owner: ['岗位', '责任人岗位', '控制责任岗位', '执行岗位', 'ownerposition', 'position', 'owner'],
  evidence: ['管理控制要件', '控制证据', '证据类型', 'evidence', 'evidencetypes'],
  objective: ['目标', 'controlobjective', 'objective'],
  risk: ['风险描述', '控制风险', '风险点', 'riskdescription', 'risk'],
  inspection: ['检查方法', '测试程序', '检查程序', '检查点及程序', 'inspectionpoints', 'testprocedure', 'inspection'],
  nature: ['性质', '控制类型', 'controltype', 'nature'],
  automation: ['自动化程度', '手工/自动', 'automation'],
  scoringMethod: ['评价方法', '打分方法', 'scoringmethod', 'scoring'],
  tolerance: ['容忍例外数', '可容忍例外数', 'tolerance'],
  element: ['内控要素', '内部控制要素', 'element', 'coso'],
  checkedDuty: ['检查职责', 'checkedduty'],
  status: ['状态', 'processstatus', 'status'],
  alsoIn: ['共享于', '同时属于', '关联流程', 'sharedwith', 'alsoin'],
};

const headerToField = new Map<string, RcmField>();
for (const field of RCM_FIELDS) {
  for (const alias of [zhCN.rcm.columns[field], en.rcm.columns[field], ...EXTRA_ALIASES[field]]) headerToField.set(normaliseHeader(alias), field);
}

export interface RcmHeaderMapping {
  /** field → 0-based column index */
  columns: Partial<Record<RcmField, number>>;
  missing: RcmField[];
  /** a field named by two columns: [field, first column, second column] (1-based) */
  duplicate: [RcmField, number, number] | null;
  /** how many columns were recognised */
  recognised: number;
}

export function mapRcmHeaders(headers: readonly string[]): RcmHeaderMapping {
  const columns: Partial<Record<RcmField, number>> = {};
  let duplicate: RcmHeaderMapping['duplicate'] = null;
  let recognised = 0;
  headers.forEach((h, i) => {
    const field = h ? headerToField.get(normaliseHeader(h)) : undefined;
    if (!field) return;
    recognised++;
    if (columns[field] != null) duplicate ??= [field, columns[field]! + 1, i + 1];
    else columns[field] = i;
  });
  return { columns, missing: RCM_REQUIRED.filter((f) => columns[f] == null), duplicate, recognised };
}

// ── vocabularies ────────────────────────────────────────────────
/** Strip what is in brackets: "是否法（有效/无效）" → "是否法". */
const short = (label: string) => label.replace(/[（(][^）)]*[）)]/g, '').trim();

function vocabulary<T extends string>(codes: readonly T[], labels: (catalog: typeof zhCN) => Record<T, string>, extra: Record<string, T> = {}) {
  const map = new Map<string, T>();
  const add = (text: string, code: T) => {
    const key = normaliseHeader(text);
    if (key && !map.has(key)) map.set(key, code);
  };
  for (const code of codes) add(code, code);
  for (const catalog of [zhCN, en as typeof zhCN]) {
    for (const code of codes) {
      add(labels(catalog)[code], code);
      add(short(labels(catalog)[code]), code);
    }
  }
  for (const [text, code] of Object.entries(extra)) add(text, code);
  return map;
}

export const FREQUENCY_WORDS = vocabulary(FREQUENCIES, (c) => c.frequencies, {
  每笔: 'per_event', 随时: 'per_event', 不定期: 'per_event', 每次: 'per_event', 'per transaction': 'per_event', transactional: 'per_event', 'ad hoc': 'per_event',
  每日数次: 'multiple_daily', 一日多次: 'multiple_daily', 'several per day': 'multiple_daily', 'multiple times a day': 'multiple_daily',
  每天: 'daily', 日: 'daily', 天: 'daily', day: 'daily',
  周: 'weekly', 每星期: 'weekly', week: 'weekly',
  月: 'monthly', 月度: 'monthly', month: 'monthly',
  每季度: 'quarterly', 季度: 'quarterly', 季: 'quarterly', quarter: 'quarterly',
  年: 'annual', 年度: 'annual', 每年度: 'annual', annually: 'annual', yearly: 'annual', year: 'annual',
});
export const NATURE_WORDS = vocabulary(CONTROL_NATURES, (c) => c.controlNatures, { 预防: 'preventive', 发现: 'detective', 检查性: 'detective' });
export const AUTOMATION_WORDS = vocabulary(AUTOMATIONS, (c) => c.automations, { 人工: 'manual', 系统自动: 'automated', 半自动: 'it_dependent', it依赖: 'it_dependent', itdependent: 'it_dependent' });
export const SCORING_WORDS = vocabulary(SCORING_METHODS, (c) => c.scoringMethods, { 是否: 'binary', 分级: 'graded', 比率: 'rate', 比例法: 'rate' });
export const ELEMENT_WORDS = vocabulary(ELEMENTS, (c) => c.elements, { 控制环境: 'environment', coso: 'control_activities' });
export const STATUS_WORDS = vocabulary(PROCESS_STATUSES, (c) => c.processStatuses, { 有效: 'active', 启用: 'active' });
export const INSPECTION_WORDS = vocabulary(INSPECTION_METHODS, (c) => c.inspectionMethods, { 访谈: 'interview', 抽样检查: 'sampling', 检查: 'onsite_check', 重新计算: 'reperformance', 观察: 'onsite_check' });
const EVIDENCE_WORDS = vocabulary(EVIDENCE_TYPES, (c) => c.evidenceTypes);

const KEY_YES = new Set(['关键', '关键控制', '关键控制点', '是', 'y', 'yes', 'key', 'keycontrol', 'true', '1', '√', '✓', '✔', '●', 'k'].map(normaliseHeader));
const KEY_NO = new Set(['一般', '一般控制', '一般控制点', '否', 'n', 'no', 'general', 'generalcontrol', 'false', '0', '×', '✗', '○', 'g'].map(normaliseHeader));

const choiceList = (codes: readonly string[], labels: Record<string, string>) => codes.map((c) => short(labels[c] ?? c)).join(' / ');

// ── the plan ────────────────────────────────────────────────────
export interface RcmRow {
  /** the sheet's row number */
  rowNo: number;
  /** cell texts by field (trimmed; absent = empty) */
  cells: Partial<Record<RcmField, string>>;
}

export interface RcmLookups {
  positions: readonly { id: number; code: string; name: string }[];
  duties: readonly { code: string; nameZh: string; nameEn: string }[];
  /** the manual's own evidence types */
  customEvidence: readonly { code: string; name: string }[];
  weights: ManualWeights;
}

/** A row-level problem: message key under errors.rcm with its params (the server translates). */
export interface RcmIssue {
  rowNo: number;
  field: RcmField | null;
  key: string;
  params: Record<string, string | number>;
}

export type RcmAttributes = Omit<ControlAttributes, 'inspections'> & { inspections: ControlAttributes['inspections'] };

export interface RcmNode {
  /** sheet number, e.g. "1.2.3" */
  number: string;
  kind: Extract<NodeKind, 'process' | 'step' | 'control'>;
  title: string;
  /** parent's number; null = top level of the manual */
  parent: string | null;
  rowNo: number;
  /** made up from the Process/Step columns of a row whose parent number has no row */
  implied: boolean;
  status?: ProcessStatus;
  attributes?: RcmAttributes;
  /** further steps/processes (numbers in the sheet) a control is linked into */
  alsoIn?: string[];
}

export interface RcmPlan {
  /** document order: parents before children, siblings in sheet order */
  nodes: RcmNode[];
  issues: RcmIssue[];
  counts: { processes: number; steps: number; controls: number; links: number };
}

const NUMBER_RE = /^\d{1,6}(\.\d{1,6}){0,11}$/;

/** "１.２。" / "1.2." / " 1.2 " → "1.2"; null when it is not a decimal outline number. */
export function parseOutlineNumber(text: string): string | null {
  const t = toHalfWidth(text).replace(/[。．]/g, '.').trim().replace(/\.+$/, '');
  if (!NUMBER_RE.test(t)) return null;
  return t
    .split('.')
    .map((s) => String(Number(s)))
    .join('.');
}

const parentOf = (number: string) => {
  const i = number.lastIndexOf('.');
  return i < 0 ? null : number.slice(0, i);
};

const splitList = (text: string) =>
  text
    .split(/[\n,，;；、|]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Rows → outline plan. Every problem is reported with its row and column; the plan is only to be
 * written when `issues` is empty.
 */
export function planRcmImport(rows: readonly RcmRow[], lookups: RcmLookups): RcmPlan {
  const issues: RcmIssue[] = [];
  const issue = (rowNo: number, field: RcmField | null, key: string, params: Record<string, string | number> = {}) =>
    issues.push({ rowNo, field, key: `errors.rcm.${key}`, params });

  // lookups, by normalised text
  const positionByCode = new Map(lookups.positions.map((p) => [normaliseHeader(p.code), p]));
  const positionsByName = new Map<string, { id: number; code: string }[]>();
  for (const p of lookups.positions) {
    const k = normaliseHeader(p.name);
    (positionsByName.get(k) ?? positionsByName.set(k, []).get(k)!).push(p);
  }
  const dutyByText = new Map<string, string>();
  for (const d of lookups.duties) for (const t of [d.code, d.nameZh, d.nameEn]) dutyByText.set(normaliseHeader(t), d.code);
  const evidenceByText = new Map(EVIDENCE_WORDS as Map<string, string>);
  for (const e of lookups.customEvidence) {
    evidenceByText.set(normaliseHeader(e.code), e.code);
    evidenceByText.set(normaliseHeader(e.name), e.code);
  }

  // pass 1: numbers, kinds, titles
  interface Parsed {
    row: RcmRow;
    number: string;
    node: RcmNode;
  }
  const parsed: Parsed[] = [];
  const explicit = new Map<string, Parsed>();
  for (const row of rows) {
    const c = row.cells;
    const rawNumber = c.number ?? '';
    const number = rawNumber ? parseOutlineNumber(rawNumber) : null;
    if (!number) {
      issue(row.rowNo, 'number', 'badNumber', { value: rawNumber.slice(0, 60) });
      continue;
    }
    const kind: RcmNode['kind'] | null = c.control ? 'control' : c.step ? 'step' : c.process ? 'process' : null;
    if (!kind) {
      issue(row.rowNo, null, 'noKind');
      continue;
    }
    const title = c[kind]!;
    if (title.length > RCM_LIMITS.title) {
      issue(row.rowNo, kind, 'tooLong', { length: title.length, max: RCM_LIMITS.title });
      continue;
    }
    const first = explicit.get(number);
    if (first) {
      issue(row.rowNo, 'number', 'duplicateNumber', { value: number, first: first.row.rowNo });
      continue;
    }
    const p: Parsed = { row, number, node: { number, kind, title, parent: null, rowNo: row.rowNo, implied: false } };
    explicit.set(number, p);
    parsed.push(p);
  }

  // pass 2: parents (explicit rows, else implied from the row's Process/Step names), kinds allowed
  const implied = new Map<string, RcmNode>();
  const kindOf = (number: string) => explicit.get(number)?.node.kind ?? implied.get(number)?.kind;
  /** make sure `number` exists as a `kind` named by this row; returns false (with an issue) if it cannot */
  const ensure = (number: string, kind: 'process' | 'step', row: RcmRow): boolean => {
    if (explicit.has(number)) return true;
    const title = row.cells[kind] ?? '';
    const existing = implied.get(number);
    if (existing) {
      if (title && existing.title !== title) {
        issue(row.rowNo, kind, 'parentConflict', { parent: number, title, other: existing.title, first: existing.rowNo });
        return false;
      }
      return true;
    }
    if (!title || title.length > RCM_LIMITS.title) {
      issue(row.rowNo, 'number', 'noParent', { parent: number });
      return false;
    }
    const node: RcmNode = { number, kind, title, parent: parentOf(number), rowNo: row.rowNo, implied: true };
    implied.set(number, node);
    if (kind === 'step') {
      // the step's own parent: an explicit node, or a process named on this row
      if (node.parent == null || (!explicit.has(node.parent) && !ensure(node.parent, 'process', row))) {
        implied.delete(number);
        if (node.parent == null) issue(row.rowNo, 'number', 'noParent', { parent: number });
        return false;
      }
    } else if (node.parent != null && !explicit.has(node.parent)) {
      node.parent = null; // a process may sit at the top level: its chapter is not in the sheet
    }
    return true;
  };
  const ok = new Set<Parsed>();
  for (const p of parsed) {
    const { node, row } = p;
    const parent = parentOf(node.number);
    if (node.kind === 'process') {
      node.parent = parent != null && explicit.has(parent) ? parent : null;
    } else {
      if (parent == null) {
        issue(row.rowNo, 'number', 'noParent', { parent: '—' });
        continue;
      }
      if (!explicit.has(parent)) {
        // a control names its step (else its process); a step names its process
        const want = node.kind === 'control' && row.cells.step ? 'step' : 'process';
        if (!ensure(parent, want, row)) continue;
      }
      node.parent = parent;
    }
    const parentKind = node.parent == null ? null : kindOf(node.parent)!;
    if (!kindAllowedUnder(node.kind, parentKind)) {
      issue(row.rowNo, node.kind, 'kindNotAllowed', { kindKey: `nodeKinds.${node.kind}`, parentKey: parentKind ? `nodeKinds.${parentKind}` : 'nodeKinds.root' });
      continue;
    }
    ok.add(p);
  }
  for (const node of implied.values()) {
    const parentKind = node.parent == null ? null : kindOf(node.parent)!;
    if (!kindAllowedUnder(node.kind, parentKind)) {
      issue(node.rowNo, node.kind, 'kindNotAllowed', { kindKey: `nodeKinds.${node.kind}`, parentKey: parentKind ? `nodeKinds.${parentKind}` : 'nodeKinds.root' });
    }
  }

  // pass 3: attributes
  for (const p of parsed) {
    const { node, row } = p;
    const c = row.cells;
    if (node.kind === 'process') {
      if (c.status) {
        const status = STATUS_WORDS.get(normaliseHeader(c.status));
        if (status) node.status = status;
        else issue(row.rowNo, 'status', 'badChoice', { value: c.status, choices: choiceList(PROCESS_STATUSES, zhCN.processStatuses) });
      }
      continue;
    }
    if (node.kind !== 'control') continue;
    node.attributes = controlAttributes(row, lookups, { positionByCode, positionsByName, dutyByText, evidenceByText }, issue);
    if (c.alsoIn) node.alsoIn = splitList(c.alsoIn);
  }

  // links: numbers of steps/processes in the sheet, not the control's own place
  let links = 0;
  for (const p of parsed) {
    const { node, row } = p;
    if (!node.alsoIn) continue;
    const resolved: string[] = [];
    for (const text of node.alsoIn) {
      const number = parseOutlineNumber(text);
      const kind = number ? kindOf(number) : undefined;
      if (!number || !kind) issue(row.rowNo, 'alsoIn', 'unknownAlsoIn', { value: text });
      else if (kind !== 'step' && kind !== 'process') issue(row.rowNo, 'alsoIn', 'alsoInKind', { value: text, kindKey: `nodeKinds.${kind}` });
      else if (number === node.parent) issue(row.rowNo, 'alsoIn', 'alsoInSelf', { value: text });
      else if (!resolved.includes(number)) resolved.push(number);
    }
    if (resolved.length > RCM_LIMITS.list) issue(row.rowNo, 'alsoIn', 'tooMany', { fieldKey: 'rcm.columns.alsoIn', max: RCM_LIMITS.list });
    node.alsoIn = resolved;
    links += resolved.length;
  }

  // document order: implied parents just before the first row that needed them; children in sheet order
  const all: RcmNode[] = [];
  const placed = new Set<string>();
  const place = (node: RcmNode) => {
    if (placed.has(node.number)) return;
    if (node.parent != null) {
      const parent = implied.get(node.parent);
      if (parent) place(parent);
    }
    placed.add(node.number);
    all.push(node);
  };
  for (const p of parsed) if (ok.has(p)) place(p.node);
  const children = new Map<string | null, RcmNode[]>();
  for (const n of all) (children.get(n.parent) ?? children.set(n.parent, []).get(n.parent)!).push(n);
  const nodes: RcmNode[] = [];
  const walk = (parent: string | null) => {
    for (const n of children.get(parent) ?? []) {
      nodes.push(n);
      walk(n.number);
    }
  };
  walk(null);

  issues.sort((a, b) => a.rowNo - b.rowNo);
  const count = (k: RcmNode['kind']) => nodes.filter((n) => n.kind === k).length;
  return { nodes, issues, counts: { processes: count('process'), steps: count('step'), controls: count('control'), links } };
}

interface AttributeLookups {
  positionByCode: Map<string, { id: number; code: string; name: string }>;
  positionsByName: Map<string, { id: number; code: string }[]>;
  dutyByText: Map<string, string>;
  evidenceByText: Map<string, string>;
}

function controlAttributes(
  row: RcmRow,
  lookups: RcmLookups,
  maps: AttributeLookups,
  issue: (rowNo: number, field: RcmField | null, key: string, params?: Record<string, string | number>) => void,
): RcmAttributes {
  const c = row.cells;
  const at = (field: RcmField, key: string, params: Record<string, string | number> = {}) => issue(row.rowNo, field, key, params);
  const text = (field: 'objective' | 'risk') => {
    const v = c[field] ?? '';
    if (v.length > RCM_LIMITS.text) at(field, 'tooLong', { length: v.length, max: RCM_LIMITS.text });
    return v;
  };
  const choice = <T extends string>(field: RcmField, words: Map<string, T>, codes: readonly T[], labels: Record<string, string>, fallback: T): T => {
    const v = c[field];
    if (!v) return fallback;
    const code = words.get(normaliseHeader(v));
    if (!code) at(field, 'badChoice', { value: v, choices: choiceList(codes, labels) });
    return code ?? fallback;
  };

  let isKey = false;
  if (c.key) {
    const k = normaliseHeader(c.key);
    if (KEY_YES.has(k)) isKey = true;
    else if (!KEY_NO.has(k)) at('key', 'badKey', { value: c.key });
  }

  let weight: number | null = null;
  if (c.weight) {
    const w = Number(toHalfWidth(c.weight).trim());
    if (!Number.isFinite(w) || w <= 0 || w > MAX_WEIGHT || Math.abs(Math.round(w * 10_000) - w * 10_000) > 1e-6) at('weight', 'badWeight', { value: c.weight });
    // the manual's default for the level is no override: export → import keeps "default"
    else if (w !== defaultWeight(isKey, lookups.weights)) weight = w;
  }

  let ownerPositionId: number | null = null;
  if (c.owner) {
    const k = normaliseHeader(c.owner);
    const byCode = maps.positionByCode.get(k);
    const byName = maps.positionsByName.get(k) ?? [];
    if (byCode) ownerPositionId = byCode.id;
    else if (byName.length === 1) ownerPositionId = byName[0]!.id;
    else if (byName.length > 1) at('owner', 'ambiguousOwner', { value: c.owner, codes: byName.map((p) => p.code).join(', ') });
    else at('owner', 'unknownOwner', { value: c.owner });
  }

  const evidenceTypes: string[] = [];
  if (c.evidence) {
    const items = splitList(c.evidence);
    if (items.length > RCM_LIMITS.list) at('evidence', 'tooMany', { fieldKey: 'rcm.columns.evidence', max: RCM_LIMITS.list });
    for (const item of items.slice(0, RCM_LIMITS.list)) {
      const code = maps.evidenceByText.get(normaliseHeader(item)) ?? maps.evidenceByText.get(normaliseHeader(short(item)));
      if (!code) at('evidence', 'unknownEvidence', { value: item });
      else if (evidenceTypes.includes(code)) at('evidence', 'duplicateEvidence', { value: item });
      else evidenceTypes.push(code);
    }
  }

  const inspections: RcmAttributes['inspections'] = [];
  if (c.inspection) {
    const lines = c.inspection
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length > RCM_LIMITS.list) at('inspection', 'tooMany', { fieldKey: 'rcm.columns.inspection', max: RCM_LIMITS.list });
    for (const line of lines.slice(0, RCM_LIMITS.list)) {
      const m = /^([^:：]{1,40})[:：]\s*([\s\S]*)$/.exec(line);
      const method = INSPECTION_WORDS.get(normaliseHeader(m ? m[1]! : line));
      if (!method) {
        // a line without a method continues the procedure above it (multi-line procedures)
        const last = inspections[inspections.length - 1];
        if (last) last.procedure = `${last.procedure}\n${line}`;
        else at('inspection', 'badInspection', { value: line.slice(0, 80), choices: choiceList(INSPECTION_METHODS, zhCN.inspectionMethods) });
        continue;
      }
      inspections.push({ method, procedure: m ? m[2]!.trim() : '' });
    }
    for (const i of inspections) if (i.procedure.length > RCM_LIMITS.text) at('inspection', 'tooLong', { length: i.procedure.length, max: RCM_LIMITS.text });
  }

  let tolerance = 0;
  if (c.tolerance) {
    const t = Number(toHalfWidth(c.tolerance).trim());
    if (!Number.isSafeInteger(t) || t < 0 || t > 10_000) at('tolerance', 'badTolerance', { value: c.tolerance });
    else tolerance = t;
  }

  let checkedDuty: string | null = null;
  if (c.checkedDuty) {
    checkedDuty = maps.dutyByText.get(normaliseHeader(c.checkedDuty)) ?? null;
    if (!checkedDuty) at('checkedDuty', 'unknownDuty', { value: c.checkedDuty });
  }

  return {
    objective: text('objective'),
    risk: text('risk'),
    isKey,
    weight,
    nature: choice('nature', NATURE_WORDS, CONTROL_NATURES, zhCN.controlNatures, 'preventive'),
    automation: choice('automation', AUTOMATION_WORDS, AUTOMATIONS, zhCN.automations, 'manual'),
    frequency: choice('frequency', FREQUENCY_WORDS, FREQUENCIES, zhCN.frequencies, 'per_event'),
    ownerPositionId,
    evidenceTypes,
    inspections,
    scoringMethod: choice('scoringMethod', SCORING_WORDS, SCORING_METHODS, zhCN.scoringMethods, 'binary'),
    tolerance,
    element: choice('element', ELEMENT_WORDS, ELEMENTS, zhCN.elements, 'control_activities'),
    checkedDuty,
  };
}

// ── what the import answers ─────────────────────────────────────
export interface RcmPreviewItem {
  rowNo: number;
  number: string;
  kind: RcmNode['kind'];
  title: string;
  depth: number;
  implied: boolean;
  isKey: boolean | null;
  weight: number | null;
  frequency: string | null;
  evidenceCount: number;
  inspectionCount: number;
  alsoIn: string[];
}

export interface RcmRowError {
  rowNo: number;
  field: RcmField | null;
  message: string;
}

export interface RcmImportResult {
  dryRun: boolean;
  fileName: string;
  /** data rows read */
  rows: number;
  counts: RcmPlan['counts'];
  /** the first RCM_MAX_REPORTED nodes of the plan, in document order */
  items: RcmPreviewItem[];
  errorCount: number;
  /** the first RCM_MAX_REPORTED errors, by row */
  errors: RcmRowError[];
  committed: boolean;
  /** nodes written */
  inserted: number;
  /** why nothing was committed */
  message: string | null;
}
