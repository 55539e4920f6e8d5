/**
 * References inside node bodies (docs/design.md §2 "reference"):
 *   [[node:42]]           → another node, rendered with its current number ("see 3.2" follows renumbering)
 *   执行《资金管理办法》     → an external regulation by name (执行/按照/依照/遵照/参照《…》)
 *   另行制定                → "to be formulated separately": a placeholder still open
 */
const NODE_REF = /\[\[node:(\d{1,10})\]\]/g;
const REGULATION_REF = /(?:执行|按照|依照|遵照|参照|根据|依据)\s*《([^《》\n]{1,100})》/g;
const PLACEHOLDER = /另行制定|另行規定|另行制訂|另行规定|to be formulated separately/gi;

export function nodeRefToken(targetId: number): string {
  return `[[node:${targetId}]]`;
}

/** Distinct node ids referenced by a body, in order of first appearance. */
export function referencedNodeIds(body: string): number[] {
  return [...new Set([...body.matchAll(NODE_REF)].map((m) => Number(m[1])))];
}

export function regulationNames(body: string): string[] {
  return [...new Set([...body.matchAll(REGULATION_REF)].map((m) => m[1]!.trim()))];
}

/** Each open placeholder with its sentence up to the marker, e.g. "细则另行制定". */
export function placeholderExcerpts(body: string): string[] {
  return [...body.matchAll(PLACEHOLDER)].map((m) => {
    const at = m.index ?? 0;
    const sentenceStart = Math.max(...['。', '；', '！', '？', '\n'].map((p) => body.lastIndexOf(p, at - 1))) + 1;
    return body.slice(Math.max(sentenceStart, at - 60), at + m[0].length).trim();
  });
}

/** The body as a reader sees it: node references replaced with current numbers. */
export function renderBody(body: string, numberOf: (id: number) => string | undefined, dangling = '⟨?⟩'): string {
  return body.replace(NODE_REF, (_, id: string) => numberOf(Number(id)) ?? dangling);
}
