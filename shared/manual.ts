import { z } from 'zod';
import { INT4_MAX } from './text.ts';
import { NODE_KINDS, NUMBERING_SCRIPTS, NUMBERING_STYLES, PROCESS_STATUSES } from './outline.ts';
import { id } from './org.ts';

/** Inputs of the manual / outline API. */

export const manualInput = z.object({
  code: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'errors.field.code' }),
  title: z.string().trim().min(1).max(200),
  numberingStyle: z.enum(NUMBERING_STYLES).default('decimal'),
  // The properties printed on the manual's cover (docs/design.md §3.8). Optional: what is not
  // given is left as it is on update (and takes the column default on create).
  documentNumber: z.string().trim().max(200, { message: 'errors.manualProperties.documentNumber' }).optional(),
  versionLabel: z.string().trim().max(100, { message: 'errors.manualProperties.versionLabel' }).optional(),
  effectiveDate: z.iso.date({ message: 'errors.manualProperties.effectiveDate' }).nullable().optional(),
  publisher: z.string().trim().max(200, { message: 'errors.manualProperties.publisher' }).optional(),
  numberingScript: z.enum(NUMBERING_SCRIPTS).optional(),
});
export type ManualInput = z.output<typeof manualInput>;

/** Where a node goes: before/after a sibling, first/last inside a node, or first/last at the top. */
export const PLACEMENT_RELATIONS = ['before', 'after', 'inside_start', 'inside_end', 'root_start', 'root_end'] as const;
export const placement = z
  .object({ relation: z.enum(PLACEMENT_RELATIONS), targetId: id.optional() })
  .refine((p) => p.relation.startsWith('root') || p.targetId != null, {
    message: 'errors.outline.placementTarget',
    path: ['targetId'],
  });
export type Placement = z.output<typeof placement>;

const label = z.string().trim().min(1).max(100);
export const nodeFields = z.object({
  kind: z.enum(NODE_KINDS),
  title: z.string().trim().min(1).max(500),
  body: z.string().max(100_000).default(''),
  /** processes only */
  status: z.enum(PROCESS_STATUSES).nullable().default(null),
  ownerUnitId: id.nullable().default(null),
  designSubjects: z.array(label).max(50).default([]),
  designBusinessTypes: z.array(label).max(50).default([]),
  designUnitIds: z.array(id).max(50).default([]),
});
export type NodeFields = z.output<typeof nodeFields>;

export const insertNodeInput = z.object({ manualId: id, placement, node: nodeFields });
export const moveNodeInput = z.object({ nodeId: id, placement });
export const updateNodeInput = z.object({ nodeId: id, data: nodeFields.partial() });
export const deleteNodeInput = z.object({ nodeId: id, confirm: z.boolean().default(false) });

export const MAX_IMPORT_CHARS = 2_000_000;
export const importTextInput = z.object({
  manualId: id,
  text: z.string().max(10 * 1024 * 1024),
  dryRun: z.boolean().default(true),
  /** into a manual that has items: add after them, or replace the draft outline */
  mode: z.enum(['append', 'replace']).default('append'),
  /** indices of dropped text (furniture) the designer keeps as content */
  keep: z.array(z.number().int().min(0)).max(10_000).default([]),
});

/** A version number, or 'draft' for the working copy. */
export const versionRef = z.union([z.number().int().positive().max(INT4_MAX), z.literal('draft')]);
