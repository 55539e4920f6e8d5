import type { ControlResult } from './result.ts';

/**
 * Results by control id as two parallel arrays, ascending by id. It reads like a ReadonlyMap, but
 * building it is a merge of a few sorted lists: on this VM a Map of 20,000 entries cost more to
 * build than the whole roll-up, and the roll-up walks it alongside its (also ascending) controls
 * instead of looking each id up.
 */
export class SortedResults implements ReadonlyMap<number, ControlResult> {
  private constructor(
    /** ascending, no duplicates */
    readonly ids: readonly number[],
    readonly results: readonly ControlResult[],
  ) {}

  /**
   * From groups of controls sharing one result, in any order (as a database returns
   * `string_agg(id)` per distinct result). Ids of one manual are dense, so this is usually a
   * bucket pass over their range; sparse ids take one native numeric sort of id·groups + group.
   * An id in two groups is refused.
   */
  static fromGroups(groups: readonly { result: ControlResult; ids: readonly number[] }[]): SortedResults {
    let n = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const g of groups) {
      for (const id of g.ids) {
        if (!Number.isSafeInteger(id) || id < 0) throw new Error(`results: ${id} is not a control id`);
        if (id < min) min = id;
        if (id > max) max = id;
      }
      n += g.ids.length;
    }
    const ids = new Array<number>(n);
    const results = new Array<ControlResult>(n);
    const twice = (id: number) => new Error(`results: control ${id} is listed twice`);
    if (n === 0) return new SortedResults(ids, results);
    if (max - min < 8 * n + 1024) {
      const groupOf = new Int32Array(max - min + 1); // group index + 1; 0 = no result
      groups.forEach((g, gi) => {
        for (const id of g.ids) {
          if (groupOf[id - min]) throw twice(id);
          groupOf[id - min] = gi + 1;
        }
      });
      for (let offset = 0, i = 0; offset < groupOf.length; offset++) {
        const gi = groupOf[offset]!;
        if (gi === 0) continue;
        ids[i] = min + offset;
        results[i++] = groups[gi - 1]!.result;
      }
      return new SortedResults(ids, results);
    }
    const k = groups.length;
    if (!Number.isSafeInteger(max * k + k)) throw new Error(`results: ${max} is not a control id`);
    const keys = new Float64Array(n);
    let next = 0;
    groups.forEach((g, gi) => {
      for (const id of g.ids) keys[next++] = id * k + gi;
    });
    keys.sort();
    for (let i = 0; i < n; i++) {
      const gi = keys[i]! % k;
      const id = (keys[i]! - gi) / k;
      if (i > 0 && ids[i - 1] === id) throw twice(id);
      ids[i] = id;
      results[i] = groups[gi]!.result;
    }
    return new SortedResults(ids, results);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Position of `id`, or -1 (binary search). */
  indexOf(id: number): number {
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(id: number): ControlResult | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.results[i];
  }

  has(id: number): boolean {
    return this.indexOf(id) >= 0;
  }

  forEach(fn: (result: ControlResult, id: number, map: ReadonlyMap<number, ControlResult>) => void): void {
    for (let i = 0; i < this.ids.length; i++) fn(this.results[i]!, this.ids[i]!, this);
  }

  *entries(): MapIterator<[number, ControlResult]> {
    for (let i = 0; i < this.ids.length; i++) yield [this.ids[i]!, this.results[i]!];
  }

  keys(): MapIterator<number> {
    return this.ids.values();
  }

  values(): MapIterator<ControlResult> {
    return this.results.values();
  }

  [Symbol.iterator](): MapIterator<[number, ControlResult]> {
    return this.entries();
  }
}
