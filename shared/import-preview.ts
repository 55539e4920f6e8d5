import type { NodeKind, NumberingStyle, OutlineNode } from './outline.ts';
import { numberOutline } from './numbering.ts';
import type { ImportedNode, ImportResult } from './outline-import.ts';
import type { DroppedText, ImportProperties } from './import-meta.ts';

/**
 * What an import will save, computed once for the preview and again for the save (the same
 * function, so they cannot differ): the imported tree with the dropped items the designer chose
 * to keep put back (each as a leading top-level clause: its first line the title), and every
 * node's number as the manual will derive it (shared/numbering.ts) after the items already there.
 */

export interface PreviewNode {
  kind: NodeKind;
  depth: number;
  /** the number the saved outline will show */
  number: string;
  /** the number as written in the document ('' when it had none) */
  sourceNumber: string;
  title: string;
  body: string;
}

export interface ImportPreview {
  format: ImportResult['format'];
  numberingStyle: NumberingStyle;
  script: 'hans' | 'hant';
  properties: ImportProperties;
  /** each with its index, for `keep` */
  dropped: Array<DroppedText & { index: number; kept: boolean }>;
  nodes: PreviewNode[];
  warnings: ImportResult['warnings'];
  stats: ImportResult['stats'];
}

/** reasons a designer may keep as content (page numbers, labels and TOCs are never content) */
export const KEEPABLE = new Set(['furniture', 'boilerplate', 'preamble', 'header', 'unstructured']);

/** The tree to save: the parse plus the kept dropped items in front. */
export function treeToSave(result: ImportResult, keep: ReadonlySet<number>): ImportedNode[] {
  const kept: ImportedNode[] = [];
  result.dropped.forEach((d, i) => {
    if (!keep.has(i) || !KEEPABLE.has(d.reason)) return;
    const text = d.text.trim();
    const nl = text.indexOf('\n');
    const first = nl < 0 ? text : text.slice(0, nl);
    const title = first.length <= 60 ? first : first.slice(0, 60);
    const body = (first.length <= 60 ? '' : first.slice(60)) + (nl < 0 ? '' : `${first.length > 60 ? '\n' : ''}${text.slice(nl + 1)}`);
    kept.push({ kind: 'clause', number: '', marker: '', title, body: body.trim(), depth: 0, children: [] });
  });
  return [...kept, ...result.nodes];
}

/** 第一条 → 第一條, 第一节 → 第一節 for a Traditional-Chinese manual. */
export function inScript(number: string, script: 'hans' | 'hant'): string {
  return script === 'hant' ? number.replace(/条$/, '條').replace(/节$/, '節') : number;
}

/**
 * Numbers of `roots` appended after `existing` (the manual's current nodes, any order), in
 * pre-order of the imported tree.
 */
export function previewNumbers(roots: ImportedNode[], existing: readonly OutlineNode[], style: NumberingStyle, script: 'hans' | 'hant'): string[] {
  const all: OutlineNode[] = [...existing];
  const lastRootKey = existing.filter((n) => n.parentId === null).reduce((max, n) => (n.orderKey > max ? n.orderKey : max), '');
  let id = -1;
  const order: number[] = [];
  // ids below zero cannot collide with stored ones; keys sort after every existing root key
  const walk = (nodes: ImportedNode[], parentId: number | null) =>
    nodes.forEach((n, i) => {
      const myId = id--;
      order.push(myId);
      all.push({ id: myId, parentId, orderKey: parentId === null ? `${lastRootKey}~${String(i).padStart(8, '0')}` : String(i).padStart(8, '0'), kind: n.kind, title: n.title, body: '' });
      walk(n.children, myId);
    });
  walk(roots, null);
  const numbers = new Map(numberOutline(all, style).map((n) => [n.id, n.number]));
  return order.map((i) => inScript(numbers.get(i) ?? '', script));
}

export function buildPreview(result: ImportResult, opts: { keep?: ReadonlySet<number>; existing?: readonly OutlineNode[]; style?: NumberingStyle } = {}): ImportPreview {
  const keep = opts.keep ?? new Set<number>();
  const roots = treeToSave(result, keep);
  const numberingStyle: NumberingStyle = opts.style ?? (result.format === 'regulation' ? 'regulation' : 'decimal');
  const numbers = previewNumbers(roots, opts.existing ?? [], numberingStyle, result.script);
  const nodes: PreviewNode[] = [];
  const walk = (list: ImportedNode[]) =>
    list.forEach((n) => {
      nodes.push({ kind: n.kind, depth: n.depth, number: numbers[nodes.length]!, sourceNumber: n.marker || n.number, title: n.title, body: n.body });
      walk(n.children);
    });
  walk(roots);
  return {
    format: result.format,
    numberingStyle,
    script: result.script,
    properties: result.properties,
    dropped: result.dropped.map((d, index) => ({ ...d, index, kept: keep.has(index) && KEEPABLE.has(d.reason) })),
    nodes,
    warnings: result.warnings,
    stats: result.stats,
  };
}
