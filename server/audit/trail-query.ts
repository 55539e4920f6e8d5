import { z } from 'zod';
import type { Executor } from '../db/connect.ts';
import { isoDate } from '../../shared/org.ts';

// what PostgreSQL can compare: text without NUL, dates it holds (`to` + 1 day included)
const filterText = (max: number) => z.string().max(max).refine((s) => !s.includes('\0'), 'errors.trail.badText');
const filterDate = z.string().refine((s) => isoDate.safeParse(s).success && s >= '0001-01-01' && s <= '9999-12-30', 'errors.trail.badDate');

export const trailFilter = z.object({
  entity: filterText(60).optional(),
  entityId: filterText(60).optional(),
  action: filterText(40).optional(),
  actor: filterText(60).optional(),
  from: filterDate.optional(),
  to: filterDate.optional(),
  /** keyset paging: rows with id below this */
  beforeId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type TrailFilter = z.output<typeof trailFilter>;

/** One page of the trail, newest first, with the id to continue from. */
export async function trailPage(db: Executor, input: TrailFilter) {
  let q = db
    .selectFrom('audit_trail')
    .select(['id', 'at', 'actor_username as actor', 'entity', 'entity_id as entityId', 'action', 'before', 'after'])
    .orderBy('id', 'desc')
    .limit(input.limit + 1);
  if (input.entity) q = q.where('entity', '=', input.entity);
  if (input.entityId) q = q.where('entity_id', '=', input.entityId);
  if (input.action) q = q.where('action', '=', input.action);
  if (input.actor) q = q.where('actor_username', '=', input.actor);
  if (input.from) q = q.where('at', '>=', input.from);
  // `to` is inclusive of the whole day
  if (input.to) q = q.where('at', '<', new Date(Date.parse(input.to) + 86_400_000).toISOString());
  if (input.beforeId) q = q.where('id', '<', input.beforeId);
  const rows = await q.execute();
  const page = rows.slice(0, input.limit);
  return { rows: page, nextBeforeId: rows.length > input.limit ? page[page.length - 1]!.id : null };
}
