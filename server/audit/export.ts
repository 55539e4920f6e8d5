import { Readable } from 'node:stream';
import type { Executor } from '../db/connect.ts';
import { looksLikeFormula } from '../workbook/cells.ts';
import { trailPage, type TrailFilter } from './trail-query.ts';

/**
 * The audit trail as CSV (UTF-8 with BOM so Excel opens Chinese text correctly), streamed page by
 * page in id order, newest first like the screen. Text a spreadsheet could run as a formula gets
 * a leading apostrophe.
 */
const HEADER = ['id', 'at', 'actor', 'entity', 'entity_id', 'action', 'before', 'after'];

export function csvField(value: unknown): string {
  if (value == null) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (looksLikeFormula(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function trailCsv(db: Executor, filter: Omit<TrailFilter, 'limit' | 'beforeId'>): Readable {
  async function* lines() {
    yield `\uFEFF${HEADER.join(',')}\r\n`;
    let beforeId: number | undefined;
    for (;;) {
      const page = await trailPage(db, { ...filter, beforeId, limit: 500 });
      if (page.rows.length) {
        yield page.rows.map((r) => [r.id, r.at, r.actor, r.entity, r.entityId, r.action, r.before, r.after].map(csvField).join(',')).join('\r\n') + '\r\n';
      }
      if (page.nextBeforeId == null) return;
      beforeId = page.nextBeforeId;
    }
  }
  return Readable.from(lines());
}
