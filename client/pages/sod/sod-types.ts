import type { RouterOutputs } from '../../lib/trpc.ts';

/** Row shapes of the segregation-of-duties API. */
export type SodConflict = RouterOutputs['sod']['check']['conflicts'][number];
export type SodRule = RouterOutputs['sod']['rules']['list'][number];
export type SodDuty = RouterOutputs['sod']['duties']['list'][number];
export type SodMitigation = RouterOutputs['sod']['mitigations']['list'][number];
export type SodMatrix = RouterOutputs['sod']['matrix'];
export type PersonDrillDown = RouterOutputs['sod']['person'];
