import type { z } from 'zod';
import { generateNKeysBetween } from 'fractional-indexing';
import type { Executor } from '../db/connect.ts';
import type { Trail } from '../audit/trail.ts';
import { appError, notFound } from '../errors.ts';
import { flattenImported, ImportTextError, parseOutlineText, type ImportedNode } from '../../shared/outline-import.ts';
import { MAX_IMPORT_CHARS, type importTextInput } from '../../shared/manual.ts';
import * as q from './queries.ts';

const BATCH = 1000;

/** Parse text into an outline preview; unless dryRun, append it to the end of the manual in one go. */
export async function importText(trx: Executor, trail: Trail, input: z.output<typeof importTextInput>) {
  const manual = await q.getManual(trx, input.manualId);
  if (!manual) throw notFound('manual', input.manualId);
  const parsed = parseText(input.text);
  const preview = flattenImported(parsed.nodes).map(({ kind, number, title, depth, body }) => ({ kind, number, title, depth, bodyLength: body.length }));
  const result = { format: parsed.format, stats: parsed.stats, warnings: parsed.warnings, preview, inserted: 0 };
  if (input.dryRun) {
    // a preview writes nothing, but the trail still says who looked (writeProcedure requires a row)
    await trail.record({ entity: 'manual', entityId: manual.id, action: 'import', after: { dryRun: true, nodes: preview.length } });
    return result;
  }
  if (parsed.format === 'none' || parsed.nodes.length === 0) throw appError('BAD_REQUEST', 'errors.outline.importNoStructure');
  result.inserted = await insertImported(trx, manual.id, parsed.nodes);
  await trail.record({ entity: 'manual', entityId: manual.id, action: 'import', after: { dryRun: false, format: parsed.format, inserted: result.inserted, stats: parsed.stats } });
  return result;
}

export function parseText(text: string) {
  try {
    return parseOutlineText(text, { maxLength: MAX_IMPORT_CHARS });
  } catch (err) {
    if (err instanceof ImportTextError) {
      throw err.code === 'empty'
        ? appError('BAD_REQUEST', 'errors.outline.importEmpty')
        : appError('BAD_REQUEST', 'errors.outline.importTooLarge', { size: text.length, max: MAX_IMPORT_CHARS });
    }
    throw err;
  }
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
