import type { z } from 'zod';
import { generateNKeysBetween } from 'fractional-indexing';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { sql } from 'kysely';
import type { ImportedNode, ImportResult } from '../../shared/outline-import.ts';
import type { importTextInput } from '../../shared/manual.ts';
import { buildPreview, treeToSave } from '../../shared/import-preview.ts';
import { isoDate } from '../../shared/import-meta.ts';
import { parseTextOrFail } from './document-read.ts';
import * as q from './queries.ts';

const BATCH = 1000;

export type ImportMode = 'append' | 'replace';

export interface ImportOptions {
  dryRun: boolean;
  mode: ImportMode;
  /** indices of dropped items to keep as content */
  keep: readonly number[];
  /** 'text' | 'docx' | 'pdf', and the file name when there was one, for the trail */
  source: string;
  fileName?: string;
}

/**
 * The preview of an import into a manual and, unless dryRun, its save — in the caller's
 * transaction. The numbers saved are the preview's: both come from buildPreview over the same
 * tree. Replace deletes the manual's draft outline first (published versions and audits keep
 * their own snapshots, so nothing they refer to is touched); append goes after the last item.
 * An empty manual, or replace, also takes the document's numbering style, script and properties.
 */
export async function applyImport(trx: Executor, trail: Trail, manualId: number, parsed: ImportResult, opts: ImportOptions) {
  const manual = await q.getManual(trx, manualId);
  if (!manual) throw notFound('manual', manualId);
  const existingNodes = await q.listNodes(trx, manualId);
  const fresh = opts.mode === 'replace' || existingNodes.length === 0;
  const keep = new Set(opts.keep);
  const preview = buildPreview(parsed, {
    keep,
    existing: fresh ? [] : existingNodes.map((n) => ({ id: n.id, parentId: n.parentId, orderKey: n.orderKey, kind: n.kind, title: n.title, body: '' })),
    style: fresh ? undefined : manual.numberingStyle,
  });
  const result = { ...preview, source: opts.source, mode: opts.mode, existing: existingNodes.length, inserted: 0, deleted: 0 };
  if (opts.dryRun) {
    // a preview writes nothing, but the trail still says who looked (writeProcedure requires a row)
    await trail.record({ entity: 'manual', entityId: manual.id, action: 'import', after: { dryRun: true, source: opts.source, nodes: preview.nodes.length } });
    return result;
  }
  const roots = treeToSave(parsed, keep);
  if (roots.length === 0) throw appError('BAD_REQUEST', 'errors.outline.importNoStructure');
  if (opts.mode === 'replace' && existingNodes.length) {
    // children cascade; a shared control's links go with its places, as in deleteNode
    result.deleted = existingNodes.length;
    await trx.deleteFrom('manual_node').where('manual_id', '=', manualId).execute();
  }
  result.inserted = await insertImported(trx, manualId, roots);
  if (fresh) {
    const p = parsed.properties;
    await trx
      .updateTable('manual')
      .set({
        numbering_style: preview.numberingStyle,
        numbering_script: preview.script,
        ...(p.title ? { title: p.title.slice(0, 200) } : {}),
        ...(p.documentNumber ? { document_number: p.documentNumber.slice(0, 200) } : {}),
        ...(p.versionLabel ? { version_label: p.versionLabel.slice(0, 100) } : {}),
        ...(p.effectiveDate && isoDate(p.effectiveDate) ? { effective_date: isoDate(p.effectiveDate) } : {}),
        ...(p.publisher ? { publisher: p.publisher.slice(0, 200) } : {}),
        updated_at: sql<string>`now()`,
      })
      .where('id', '=', manualId)
      .execute();
  }
  await trail.record({
    entity: 'manual',
    entityId: manual.id,
    action: 'import',
    after: { dryRun: false, source: opts.source, fileName: opts.fileName, mode: opts.mode, format: parsed.format, inserted: result.inserted, deleted: result.deleted, stats: parsed.stats },
  });
  return result;
}

/** Parse pasted text into an outline preview; unless dryRun, save it (append or replace). */
export async function importText(trx: Executor, trail: Trail, input: z.output<typeof importTextInput>) {
  const parsed = parseTextOrFail(input.text);
  return applyImport(trx, trail, input.manualId, parsed, { dryRun: input.dryRun, mode: input.mode, keep: input.keep, source: 'text' });
}

/** Insert level by level (parents first, so children know their parent ids), in multi-row batches. */
export async function insertImported(trx: Executor, manualId: number, roots: ImportedNode[]): Promise<number> {
  const lastRootKey = await q.neighbourKey(trx, manualId, null, 'before', null);
  let level: { node: ImportedNode; parentId: number | null; orderKey: string }[] = [];
  generateNKeysBetween(lastRootKey, null, roots.length).forEach((orderKey, i) => level.push({ node: roots[i]!, parentId: null, orderKey }));
  let inserted = 0;
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
            title: (node.title.trim() || node.number).slice(0, 500),
            body: node.body.slice(0, 100_000),
            status: node.kind === 'process' ? ('draft' as const) : null,
          })),
        )
        .returning('id')
        .execute();
      batch.forEach(({ node }, i) => {
        const keys = node.children.length ? generateNKeysBetween(null, null, node.children.length) : [];
        node.children.forEach((child, j) => next.push({ node: child, parentId: ids[i]!.id, orderKey: keys[j]! }));
      });
      inserted += batch.length;
    }
    level = next;
  }
  return inserted;
}
