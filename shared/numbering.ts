import type { NumberedNode, NumberingScript, NumberingStyle, OutlineNode } from './outline.ts';
import { toChineseNumeral } from './chinese-numerals.ts';

/**
 * The one implementation of numbering (docs/design.md §3.1): numbers come from tree order, never storage.
 * Returns every node with its number and depth, in document (pre-)order.
 *
 * decimal:    1, 1.1, 1.1.1 … by position among siblings.
 * regulation: 第一章 (chapters counted through the manual), 第一节 (sections within their parent),
 *             第一条 for every other node at article level (not under an article), counted
 *             continuously across chapters; items below an article: （一）, then 1., then (1).
 *             In the Traditional script (hant) sections and articles read 第一節 / 第一條; the numerals
 *             (一 … 十 百 千 零) and 章 are the same in both scripts.
 */
export function numberOutline<T extends OutlineNode>(nodes: readonly T[], style: NumberingStyle, script: NumberingScript = 'hans'): (T & NumberedNode)[] {
  const { section, article } = REGULATION_UNITS[script];
  const children = new Map<number | null, T[]>();
  for (const n of nodes) {
    const list = children.get(n.parentId);
    if (list) list.push(n);
    else children.set(n.parentId, [n]);
  }
  for (const list of children.values()) list.sort((a, b) => (a.orderKey < b.orderKey ? -1 : a.orderKey > b.orderKey ? 1 : a.id - b.id));

  const out: (T & NumberedNode)[] = [];
  let chapters = 0;
  let articles = 0;
  // Iterative pre-order walk: manuals can be deep and large (20,000 nodes).
  type Frame = { parentNumber: string; depth: number; itemLevel: number; siblings: T[]; index: number; sections: number };
  const stack: Frame[] = [{ parentNumber: '', depth: 0, itemLevel: 0, siblings: children.get(null) ?? [], index: 0, sections: 0 }];
  while (stack.length) {
    const frame = stack[stack.length - 1]!;
    if (frame.index >= frame.siblings.length) {
      stack.pop();
      continue;
    }
    const node = frame.siblings[frame.index++]!;
    let number: string;
    let childItemLevel = 0;
    if (style === 'decimal') {
      number = frame.parentNumber ? `${frame.parentNumber}.${frame.index}` : String(frame.index);
    } else if (frame.itemLevel > 0) {
      number = itemMarker(frame.itemLevel, frame.index);
      childItemLevel = frame.itemLevel + 1;
    } else if (node.kind === 'chapter') {
      number = `第${toChineseNumeral(++chapters)}章`;
    } else if (node.kind === 'section') {
      number = `第${toChineseNumeral(++frame.sections)}${section}`;
    } else {
      number = `第${toChineseNumeral(++articles)}${article}`;
      childItemLevel = 1;
    }
    out.push({ ...node, number, depth: frame.depth });
    const kids = children.get(node.id);
    if (kids?.length) {
      stack.push({ parentNumber: number, depth: frame.depth + 1, itemLevel: childItemLevel, siblings: kids, index: 0, sections: 0 });
    }
  }
  return out;
}

const REGULATION_UNITS: Record<NumberingScript, { section: string; article: string }> = {
  hans: { section: '节', article: '条' },
  hant: { section: '節', article: '條' },
};

function itemMarker(level: number, n: number): string {
  if (level === 1) return `（${toChineseNumeral(n)}）`;
  if (level === 2) return `${n}.`;
  return `(${n})`;
}
