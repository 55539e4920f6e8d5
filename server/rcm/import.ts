import { generateNKeysBetween } from 'fractional-indexing';
import type { Executor } from '../db/connect.ts';
import { Trail, type Actor } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { translate } from '../i18n.ts';
import * as manualQ from '../manual/queries.ts';
import * as controlQ from '../controls/queries.ts';
import { controlColumns } from '../controls/columns.ts';
import type { Locale } from '../../shared/auth.ts';
import {
  planRcmImport,
  RCM_MAX_REPORTED,
  type RcmField,
  type RcmImportResult,
  type RcmIssue,
  type RcmNode,
  type RcmPlan,
  type RcmRowError,
} from '../../shared/rcm.ts';
import { readRcmWorkbook } from './read.ts';

/**
 * Import of a control matrix into a manual (issue 7): read the .xlsx (server/rcm/read.ts), plan the
 * outline (shared/rcm.ts), then either answer the preview (dry run) or write everything in one
 * transaction — nodes level by level in multi-row inserts, then control attributes, inspection
 * points and shared links — appended after the manual's last top-level item. Any error in any
 * row: nothing is written.
 */

const BATCH = 1000;

export interface RcmImportOptions {
  db: Executor;
  manualId: number;
  actor: Actor;
  locale: Locale;
  file: Buffer;
  fileName: string;
  dryRun: boolean;
  progress?: (line: Record<string, unknown>) => void;
}

export async function loadLookups(db: Executor, manualId: number) {
  const manual = await controlQ.manualSettings(db, manualId);
  if (!manual) throw notFound('manual', manualId);
  const [positions, duties, customEvidence] = await Promise.all([
    db.selectFrom('position').select(['id', 'code', 'name']).execute(),
    db.selectFrom('duty_category').select(['code', 'name_zh as nameZh', 'name_en as nameEn']).execute(),
    controlQ.customEvidenceTypes(db, manualId),
  ]);
  return { manual, lookups: { positions, duties, customEvidence, weights: { keyWeight: manual.keyWeight, generalWeight: manual.generalWeight } } };
}

/** An issue in the user's words: "第 5 行（权重）：…" or "单元格 F5：…". */
export function issueMessage(locale: Locale, issue: RcmIssue): string {
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  const params: Record<string, unknown> = { ...issue.params };
  for (const [k, v] of Object.entries(issue.params)) if (k.endsWith('Key') && typeof v === 'string') params[k.slice(0, -3)] = t(v);
  const problem = t(issue.key, params);
  if (issue.params.cell) return t('errors.rcm.cellAt', { cell: issue.params.cell, problem });
  const column = issue.field ? t(`rcm.columns.${issue.field}`) : '—';
  return t('errors.rcm.at', { row: issue.rowNo, column, problem });
}

export async function importRcm(opts: RcmImportOptions): Promise<RcmImportResult> {
  const { db, manualId, locale } = opts;
  const progress = opts.progress ?? (() => {});
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  const { lookups } = await loadLookups(db, manualId);

  progress({ phase: 'read', rows: 0 });
  const sheet = await readRcmWorkbook(opts.file, {
    fieldName: (f: RcmField) => t(`rcm.columns.${f}`),
    onRows: (rows) => progress({ phase: 'read', rows }),
  });
  progress({ phase: 'check', rows: sheet.rows.length });
  const plan = planRcmImport(sheet.rows, lookups);
  const issues = [...sheet.cellIssues, ...plan.issues].sort((a, b) => a.rowNo - b.rowNo);
  const errors: RcmRowError[] = issues.slice(0, RCM_MAX_REPORTED).map((i) => ({ rowNo: i.rowNo, field: i.field, message: issueMessage(locale, i) }));

  const depth = new Map<string, number>();
  const items = plan.nodes.slice(0, RCM_MAX_REPORTED).map((n) => {
    const d = n.parent == null ? 0 : (depth.get(n.parent) ?? 0) + 1;
    depth.set(n.number, d);
    return {
      rowNo: n.rowNo,
      number: n.number,
      kind: n.kind,
      title: n.title,
      depth: d,
      implied: n.implied,
      isKey: n.attributes ? n.attributes.isKey : null,
      weight: n.attributes ? n.attributes.weight : null,
      frequency: n.attributes ? n.attributes.frequency : null,
      evidenceCount: n.attributes?.evidenceTypes.length ?? 0,
      inspectionCount: n.attributes?.inspections.length ?? 0,
      alsoIn: n.alsoIn ?? [],
    };
  });
  const result: RcmImportResult = {
    dryRun: opts.dryRun,
    fileName: opts.fileName,
    rows: sheet.rows.length,
    counts: plan.counts,
    items,
    errorCount: issues.length,
    errors,
    committed: false,
    inserted: 0,
    message: issues.length ? t('errors.rcm.hasErrors', { count: issues.length }) : null,
  };
  if (opts.dryRun || issues.length) return result;
  if (!plan.nodes.length) throw appError('BAD_REQUEST', 'errors.rcm.noRows');

  result.inserted = await db.transaction().execute(async (trx) => {
    const inserted = await writePlan(trx, manualId, plan, (done) => progress({ phase: 'write', done, total: plan.nodes.length }));
    await new Trail(trx, opts.actor).record({
      entity: 'manual',
      entityId: manualId,
      action: 'import',
      after: { source: 'rcm', fileName: opts.fileName, rows: sheet.rows.length, ...plan.counts },
    });
    return inserted;
  });
  result.committed = true;
  return result;
}

/** Write the plan into the manual (the caller's transaction). Returns the number of nodes. */
export async function writePlan(trx: Executor, manualId: number, plan: RcmPlan, onProgress?: (done: number) => void): Promise<number> {
  const children = new Map<string | null, RcmNode[]>();
  for (const n of plan.nodes) (children.get(n.parent) ?? children.set(n.parent, []).get(n.parent)!).push(n);
  const idOf = new Map<string, number>();
  const lastRootKey = await manualQ.neighbourKey(trx, manualId, null, 'before', null);

  // level by level: parents first, so children know their parent ids
  let level: { node: RcmNode; parentId: number | null; orderKey: string }[] = [];
  const roots = children.get(null) ?? [];
  generateNKeysBetween(lastRootKey, null, roots.length).forEach((orderKey, i) => level.push({ node: roots[i]!, parentId: null, orderKey }));
  let done = 0;
  while (level.length) {
    const next: typeof level = [];
    for (let start = 0; start < level.length; start += BATCH) {
      const batch = level.slice(start, start + BATCH);
      const ids = await trx
        .insertInto('manual_node')
        .values(
          batch.map(({ node, parentId, orderKey }) => ({
            manual_id: manualId,
            parent_id: parentId,
            order_key: orderKey,
            kind: node.kind,
            title: node.title,
            body: '',
            status: node.kind === 'process' ? (node.status ?? 'draft') : null,
          })),
        )
        .returning('id')
        .execute();
      batch.forEach(({ node }, i) => {
        idOf.set(node.number, ids[i]!.id);
        const kids = children.get(node.number) ?? [];
        const keys = kids.length ? generateNKeysBetween(null, null, kids.length) : [];
        kids.forEach((child, j) => next.push({ node: child, parentId: ids[i]!.id, orderKey: keys[j]! }));
      });
      done += batch.length;
      onProgress?.(done);
    }
    level = next;
  }

  const controls = plan.nodes.filter((n) => n.kind === 'control' && n.attributes);
  for (let start = 0; start < controls.length; start += BATCH) {
    const batch = controls.slice(start, start + BATCH);
    await trx
      .insertInto('control')
      .values(
        batch.map((n) => {
          const a = n.attributes!;
          return { node_id: idOf.get(n.number)!, manual_id: manualId, ...controlColumns(a) };
        }),
      )
      .execute();
  }
  const inspections = controls.flatMap((n) =>
    n.attributes!.inspections.map((i, k) => ({ control_id: idOf.get(n.number)!, method: i.method, procedure: i.procedure, sort_order: k })),
  );
  for (let start = 0; start < inspections.length; start += BATCH) await trx.insertInto('control_inspection').values(inspections.slice(start, start + BATCH)).execute();
  const links = controls.flatMap((n) => (n.alsoIn ?? []).map((h) => ({ control_id: idOf.get(n.number)!, host_id: idOf.get(h)! })));
  for (let start = 0; start < links.length; start += BATCH) await trx.insertInto('control_link').values(links.slice(start, start + BATCH)).execute();
  return plan.nodes.length;
}
