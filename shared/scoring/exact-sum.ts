/**
 * A running sum of floats kept exactly (Shewchuk's non-overlapping partials, as in Python's
 * `math.fsum`) and read back correctly rounded. Scores therefore do not depend on the order the
 * controls arrive in, and adding then removing a control's w·r (incremental updates) restores
 * the sum to the last bit — full and incremental roll-ups cannot drift apart.
 * Inputs must be finite (the roll-up validates weights and results first).
 */
export class ExactSum {
  /** exact partial sums, increasing magnitude, non-overlapping */
  private readonly partials: number[] = [];

  add(value: number): void {
    const p = this.partials;
    let x = value;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    // Usually one partial stays one partial: overwrite in place instead of truncating and growing.
    if (i < p.length) {
      p[i] = x;
      if (p.length > i + 1) p.length = i + 1;
    } else p.push(x);
  }

  /** The exact sum rounded once to the nearest double (ties to even). */
  value(): number {
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Correct a double rounding: the rest of the partials push a half-way `lo` over the edge.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}
