import { z } from 'zod';

/** The manual as an outline (docs/design.md §3.1): kinds, statuses, numbering styles, node shapes. */

export const NODE_KINDS = ['chapter', 'section', 'clause', 'process', 'step', 'control'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const PROCESS_STATUSES = ['draft', 'pending_design', 'active', 'retired'] as const;
export type ProcessStatus = (typeof PROCESS_STATUSES)[number];

export const NUMBERING_STYLES = ['decimal', 'regulation'] as const;
export type NumberingStyle = (typeof NUMBERING_STYLES)[number];

/** The characters regulation numbers are written in: 第一条 / 第一节 (hans) or 第一條 / 第一節 (hant). */
export const NUMBERING_SCRIPTS = ['hans', 'hant'] as const;
export type NumberingScript = (typeof NUMBERING_SCRIPTS)[number];

/** A node as stored: identity, place in the tree, content. Numbers are derived, never stored. */
export interface OutlineNode {
  id: number;
  parentId: number | null;
  /** fractional-index key; siblings sort by it bytewise */
  orderKey: string;
  kind: NodeKind;
  title: string;
  body: string;
}

/** A node with its derived number and depth (0 = top level), in document (pre-)order. */
export interface NumberedNode extends OutlineNode {
  number: string;
  depth: number;
}

export const nodeKind = z.enum(NODE_KINDS);

/**
 * Which kinds may sit directly under which (null = top level). A chapter only at the top, a
 * section in a chapter, steps in processes, controls in steps or processes; clauses are generic
 * text items allowed almost anywhere except under a control.
 */
export const ALLOWED_PARENTS: Record<NodeKind, ReadonlyArray<NodeKind | null>> = {
  chapter: [null],
  section: [null, 'chapter', 'section'],
  clause: [null, 'chapter', 'section', 'clause', 'process', 'step'],
  process: [null, 'chapter', 'section', 'clause'],
  step: ['process', 'step'],
  control: ['process', 'step'],
};

export function kindAllowedUnder(kind: NodeKind, parentKind: NodeKind | null): boolean {
  return ALLOWED_PARENTS[kind].includes(parentKind);
}
