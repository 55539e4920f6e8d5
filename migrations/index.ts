import type { Migration } from 'kysely/migration';
import * as foundation from './2026_11_23_0001_foundation.ts';
import * as manualOutline from './2026_11_23_0002_manual_outline.ts';
import * as controls from './2026_11_23_0003_controls.ts';
import * as sod from './2026_11_23_0004_sod.ts';
import * as authority from './2026_11_23_0005_authority.ts';
import * as audits from './2026_11_23_0006_audits.ts';
import * as secAuth from './2026_12_04_0001_sec_auth.ts';
import * as secDataGuards from './2026_12_04_0001_sec_data_guards.ts';
import * as manualProperties from './2026_12_04_0007_manual_properties.ts';
import * as outlineOperations from './2026_12_04_0008_outline_operations.ts';
import * as testsBenchScoringDigest from './2026_12_04_0008_tests_bench_scoring_digest.ts';
import * as mitigationPeriods from './2026_12_04_0009_mitigation_periods.ts';

/**
 * Every migration, in order. A static map (not a folder scan) so it works under tsx,
 * plain Node and bundlers alike. Add new migrations at the end; never edit old ones.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_23_0001_foundation': foundation,
  '2026_11_23_0002_manual_outline': manualOutline,
  '2026_11_23_0003_controls': controls,
  '2026_11_23_0004_sod': sod,
  '2026_11_23_0005_authority': authority,
  '2026_11_23_0006_audits': audits,
  '2026_12_04_0001_sec_auth': secAuth,
  '2026_12_04_0001_sec_data_guards': secDataGuards,
  '2026_12_04_0007_manual_properties': manualProperties,
  '2026_12_04_0008_outline_operations': outlineOperations,
  '2026_12_04_0008_tests_bench_scoring_digest': testsBenchScoringDigest,
  '2026_12_04_0009_mitigation_periods': mitigationPeriods,
};
