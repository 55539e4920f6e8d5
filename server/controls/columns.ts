import type { ControlAttributes } from '../../shared/controls.ts';
import type { ControlTable } from '../db/schema.ts';

/** A control's attributes as stored on its `control` row (inspection points have their own table). */
export type StoredControlAttributes = Omit<ControlAttributes, 'inspections'>;

/**
 * Control attribute → `control` column: the one table the write (controls service, RCM import)
 * and the read (a row back to attributes) are built from. A new attribute is added here once.
 */
export const CONTROL_COLUMNS = {
  objective: 'objective',
  risk: 'risk',
  isKey: 'is_key',
  weight: 'weight',
  nature: 'nature',
  automation: 'automation',
  frequency: 'frequency',
  ownerPositionId: 'owner_position_id',
  evidenceTypes: 'evidence_types',
  scoringMethod: 'scoring_method',
  tolerance: 'tolerance',
  element: 'element',
  checkedDuty: 'checked_duty',
} as const satisfies { [K in keyof StoredControlAttributes]: keyof ControlTable };

type Columns = typeof CONTROL_COLUMNS;
/** The attribute columns of a `control` row, as written and as read back. */
export type ControlColumnValues = { [K in keyof Columns as Columns[K]]: StoredControlAttributes[K] };

const ATTRIBUTES = Object.keys(CONTROL_COLUMNS) as (keyof StoredControlAttributes)[];

/** Attributes → the `control` row's columns. */
export function controlColumns(a: StoredControlAttributes): ControlColumnValues {
  const out: Record<string, unknown> = {};
  for (const k of ATTRIBUTES) out[CONTROL_COLUMNS[k]] = a[k];
  return out as ControlColumnValues;
}

/** The `control` row's columns → attributes. */
export function attributesOfColumns(row: ControlColumnValues): StoredControlAttributes {
  const out: Record<string, unknown> = {};
  for (const k of ATTRIBUTES) out[k] = row[CONTROL_COLUMNS[k]];
  return out as StoredControlAttributes;
}
