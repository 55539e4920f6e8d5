/**
 * Text similarity that works for Chinese: Jaccard over character bigrams of normalised text
 * (punctuation and spaces dropped, Latin lower-cased; a one-character text is its own token).
 * `similarPairs` is a prefix-filtered similarity join: tokens are ordered rarest first and each
 * text indexes only the prefix that any partner above the threshold must share, so the work
 * grows with the candidates, not with n².
 */

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

export function bigrams(text: string): Set<string> {
  const chars = Array.from(normalise(text));
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const t of small) if (large.has(t)) common++;
  return common / (a.size + b.size - common);
}

export function similarity(a: string, b: string): number {
  return jaccard(bigrams(a), bigrams(b));
}

export interface SimilarPair {
  a: number;
  b: number;
  score: number;
}

/**
 * All pairs of items with Jaccard(bigrams) ≥ threshold (0 < threshold ≤ 1), `a` the smaller id.
 * `stats.verified` (optional) counts the candidate pairs actually compared.
 */
export function similarPairs(items: readonly { id: number; text: string }[], threshold: number, stats?: { verified: number }): SimilarPair[] {
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError('threshold must be in (0, 1]');
  const sets = items.map((it) => bigrams(it.text));
  const freq = new Map<string, number>();
  for (const s of sets) for (const t of s) freq.set(t, (freq.get(t) ?? 0) + 1);
  // token → rank, rarest first, so prefixes hold the most selective tokens
  const rank = new Map([...freq.entries()].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)).map(([t], i) => [t, i]));
  const records = sets.map((s) => Int32Array.from([...s].map((t) => rank.get(t)!)).sort());
  const index = new Map<number, number[]>();
  const pairs: SimilarPair[] = [];
  const overlap = new Map<number, number>();
  // shorter sets first: a partner must have at least threshold · size tokens
  const byLength = items.map((_, i) => i).sort((x, y) => records[x]!.length - records[y]!.length);
  for (const i of byLength) {
    const x = records[i]!;
    if (!x.length) continue;
    const prefix = x.length - Math.ceil(threshold * x.length - 1e-9) + 1;
    overlap.clear();
    for (let p = 0; p < prefix; p++) {
      for (const j of index.get(x[p]!) ?? []) {
        if (records[j]!.length >= threshold * x.length) overlap.set(j, (overlap.get(j) ?? 0) + 1);
      }
    }
    if (stats) stats.verified += overlap.size;
    for (const j of overlap.keys()) {
      const score = verify(x, records[j]!, threshold);
      if (score >= threshold) {
        const [a, b] = items[i]!.id < items[j]!.id ? [items[i]!.id, items[j]!.id] : [items[j]!.id, items[i]!.id];
        pairs.push({ a, b, score });
      }
    }
    for (let p = 0; p < prefix; p++) {
      const list = index.get(x[p]!);
      if (list) list.push(i);
      else index.set(x[p]!, [i]);
    }
  }
  return pairs.sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b);
}

/** Jaccard of two sorted token arrays by merging, giving up (returning 0) once the threshold is out of reach. */
function verify(x: Int32Array, y: Int32Array, threshold: number): number {
  const need = Math.ceil((threshold / (1 + threshold)) * (x.length + y.length) - 1e-9);
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < x.length && j < y.length) {
    if (common + Math.min(x.length - i, y.length - j) < need) return 0;
    if (x[i] === y[j]) {
      common++;
      i++;
      j++;
    } else if (x[i]! < y[j]!) i++;
    else j++;
  }
  return common / (x.length + y.length - common);
}
