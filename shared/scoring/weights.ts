import { DEFAULT_WEIGHTS, effectiveWeight as weightOf, type ManualWeights } from '../controls.ts';
import { fail } from './errors.ts';

export type { ManualWeights };

/** The default of docs/design.md §3.3: key 3, general 1 (a manual may set its own). */
export const DEFAULT_MANUAL_WEIGHTS: Readonly<ManualWeights> = Object.freeze({
  keyWeight: DEFAULT_WEIGHTS.key,
  generalWeight: DEFAULT_WEIGHTS.general,
});

/**
 * The weight a control counts with: its override, else the manual's key/general default.
 * Same rule as shared/controls.ts (which it calls), plus the check the roll-up relies on:
 * a weight must be a finite number above 0.
 */
export function effectiveWeight(
  control: { isKey: boolean; weight?: number | null },
  defaults: Readonly<ManualWeights> = DEFAULT_MANUAL_WEIGHTS,
): number {
  const w = weightOf({ isKey: control.isKey, weight: control.weight ?? null }, defaults);
  if (!(Number.isFinite(w) && w > 0)) fail('errors.scoring.invalidWeight', { value: String(w) }, ['weight']);
  return w;
}
