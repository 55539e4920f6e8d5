import { z } from 'zod';
import { fail } from './errors.ts';
import type { Automation, Frequency } from './vocabulary.ts';

const size = z.number().int().min(1).max(100_000);

/**
 * Suggested sample sizes (docs/design.md §3.4), editable per audit or organisation. One row per control
 * frequency plus `automated`, which wins over the frequency for automated controls.
 * `per_event` (每笔业务) has no natural period count, so it follows the population rule with the
 * daily size: 25, or the whole population when that is smaller.
 */
export const sampleSizeTableSchema = z.object({
  annual: size,
  quarterly: size,
  monthly: size,
  weekly: size,
  daily: size,
  multiple_daily: size,
  per_event: size,
  automated: size,
});
export type SampleSizeTable = z.output<typeof sampleSizeTableSchema>;

export const DEFAULT_SAMPLE_SIZES: Readonly<SampleSizeTable> = Object.freeze({
  annual: 1,
  quarterly: 2,
  monthly: 2,
  weekly: 5,
  daily: 25,
  multiple_daily: 40,
  per_event: 25,
  automated: 1,
});

/** The control attributes that decide its sample size. */
export interface SampledControl {
  frequency: Frequency;
  /** 'automated' → the automated size; manual and IT-dependent controls go by frequency */
  automation?: Automation | null;
}

/**
 * The suggested sample size for a control: the table's size for its frequency (or `automated`),
 * but never more than the population — a smaller population is tested in full.
 * `population` null = unknown (the table size). Population 0 gives 0: nothing ran, so the
 * control should be marked not operated rather than tested.
 */
export function sampleSize(
  control: Frequency | SampledControl,
  population: number | null | undefined,
  table: Readonly<SampleSizeTable> = DEFAULT_SAMPLE_SIZES,
): number {
  const { frequency, automation } = typeof control === 'string' ? { frequency: control, automation: null } : control;
  const planned = automation === 'automated' ? table.automated : table[frequency];
  if (population == null) return planned;
  if (!Number.isSafeInteger(population) || population < 0) {
    fail('errors.scoring.notACount', { fieldKey: 'scoring.fields.population', value: String(population) }, ['population']);
  }
  return Math.min(planned, population);
}
