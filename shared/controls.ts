import { z } from 'zod';
import { id } from './org.ts';

/** Control points (docs/design.md §3.3): attribute vocabularies, inputs, and the shapes the API returns. */

export const EVIDENCE_TYPES = [
  'original_voucher',
  'accounting_record',
  'work_ledger',
  'work_record',
  'execution_document',
  'regulation',
  'meeting_minutes',
  'handling_basis',
  'approval_document',
  'contract',
  'other',
] as const;
export type BuiltinEvidenceType = (typeof EVIDENCE_TYPES)[number];

export const INSPECTION_METHODS = [
  'interview',
  'questionnaire',
  'workshop',
  'walkthrough',
  'onsite_check',
  'sampling',
  'comparison',
  'reperformance',
] as const;
export const CONTROL_NATURES = ['preventive', 'detective'] as const;
export const AUTOMATIONS = ['manual', 'automated', 'it_dependent'] as const;
export const FREQUENCIES = ['per_event', 'multiple_daily', 'daily', 'weekly', 'monthly', 'quarterly', 'annual'] as const;
export const SCORING_METHODS = ['binary', 'graded', 'rate'] as const;
/** The five elements of the 基本规范. */
export const ELEMENTS = ['environment', 'risk_assessment', 'control_activities', 'information_communication', 'monitoring'] as const;

export type InspectionMethod = (typeof INSPECTION_METHODS)[number];
export type Frequency = (typeof FREQUENCIES)[number];
export type Automation = (typeof AUTOMATIONS)[number];
export type ScoringMethod = (typeof SCORING_METHODS)[number];
export type Element = (typeof ELEMENTS)[number];

export const DEFAULT_WEIGHTS = { key: 3, general: 1 } as const;
export const MAX_WEIGHT = 1000;

/** A weight: positive, finite, at most 1000, at most 4 decimals. */
export const weight = z
  .number({ message: 'errors.controls.weight' })
  .refine((w) => Number.isFinite(w) && w > 0 && w <= MAX_WEIGHT, { message: 'errors.controls.weight' })
  .refine((w) => Math.abs(Math.round(w * 10_000) - w * 10_000) < 1e-6, { message: 'errors.controls.weightPrecision' });

export const inspectionInput = z.object({
  method: z.enum(INSPECTION_METHODS),
  procedure: z.string().trim().max(10_000).default(''),
});
export type InspectionInput = z.output<typeof inspectionInput>;

export const evidenceCode = z.string().trim().min(1).max(40);

/** Every attribute of a control; `weight: null` means the manual's key/general default. */
const controlShape = {
  objective: z.string().trim().max(10_000),
  risk: z.string().trim().max(10_000),
  isKey: z.boolean(),
  weight: weight.nullable(),
  nature: z.enum(CONTROL_NATURES),
  automation: z.enum(AUTOMATIONS),
  frequency: z.enum(FREQUENCIES),
  ownerPositionId: id.nullable(),
  evidenceTypes: z.array(evidenceCode).max(50),
  inspections: z.array(inspectionInput).max(50),
  scoringMethod: z.enum(SCORING_METHODS),
  tolerance: z.number().int().min(0).max(10_000),
  element: z.enum(ELEMENTS),
  checkedDuty: z.string().trim().min(1).max(40).nullable(),
};
export type ControlAttributes = { [K in keyof typeof controlShape]: z.output<(typeof controlShape)[K]> };

/** The defaults a control node has before anyone edits its attributes. */
export const DEFAULT_CONTROL: Omit<ControlAttributes, 'inspections'> = {
  objective: '',
  risk: '',
  isKey: false,
  weight: null,
  nature: 'preventive',
  automation: 'manual',
  frequency: 'per_event',
  ownerPositionId: null,
  evidenceTypes: [],
  scoringMethod: 'binary',
  tolerance: 0,
  element: 'control_activities',
  checkedDuty: null,
};

/** A change: only the fields given are touched (no defaults, so an update never resets the rest). */
export const controlPatch = z.object(controlShape).partial();
/** A new control: what is not given takes the defaults. */
export const controlAttributes = controlPatch.transform((p): ControlAttributes => ({
  ...DEFAULT_CONTROL,
  inspections: [],
  ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)),
}));

export const updateControlInput = z.object({ controlId: id, data: controlPatch });
export const manualWeightsInput = z.object({ manualId: id, keyWeight: weight, generalWeight: weight });
export const evidenceTypeInput = z.object({
  manualId: id,
  code: z
    .string()
    .trim()
    .min(1)
    .max(30)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'errors.controls.evidenceCode' }),
  name: z.string().trim().min(1).max(100),
});
export const linkInput = z.object({ controlId: id, hostId: id });
export const unlinkInput = z.object({ controlId: id, hostId: id, confirm: z.boolean().default(false) });
export const mergeInput = z.object({ sourceId: id, targetId: id });

export interface ManualWeights {
  keyWeight: number;
  generalWeight: number;
}

/** The manual's default weight for a control of this level (key or general). */
export function defaultWeight(isKey: boolean, defaults: ManualWeights): number {
  return isKey ? defaults.keyWeight : defaults.generalWeight;
}

/** The weight that counts: the control's override, else the manual default for its level. */
export function effectiveWeight(control: { isKey: boolean; weight: number | null }, defaults: ManualWeights): number {
  return control.weight ?? defaultWeight(control.isKey, defaults);
}


/** A control as frozen in a published version: what audits of that version score against. */
export interface SnapshotControl {
  isKey: boolean;
  /** effective weight at publication (override or the manual default then) */
  weight: number;
  weightOverride: number | null;
  objective: string;
  risk: string;
  nature: (typeof CONTROL_NATURES)[number];
  automation: Automation;
  frequency: Frequency;
  ownerPositionId: number | null;
  ownerPositionName: string | null;
  ownerUnitId: number | null;
  ownerUnitName: string | null;
  evidenceTypes: string[];
  inspections: { method: InspectionMethod; procedure: string }[];
  scoringMethod: ScoringMethod;
  tolerance: number;
  element: Element;
  checkedDuty: string | null;
  /** further steps/processes it is linked into besides its parent */
  linkedHostIds: number[];
}
