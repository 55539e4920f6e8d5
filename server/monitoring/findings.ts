import { checkConflicts } from '../sod/check.ts';
import { listDutyCategories } from '../org/queries.ts';
import { checkWithMessages } from '../authority/service.ts';
import { matterIdByCode } from '../authority/queries.ts';
import { translate } from '../i18n.ts';
import type { Executor } from '../db/connect.ts';
import type { Locale } from '../../shared/auth.ts';
import type { RiskLevel, ConflictStatus, SodConflict } from '../../shared/sod.ts';
import { VIOLATION_SEVERITY, type ViolationKind } from '../../shared/authority.ts';

/** One line of a monitoring report, as `--json` prints it (the shape schedulers rely on). */
export type Finding =
  | {
      kind: SodConflict['kind'];
      risk: RiskLevel;
      status: ConflictStatus;
      people: { id: number; name: string; employeeNo: string | null }[];
      from: string | null;
      to: string | null;
      detail: string;
    }
  | {
      kind: ViolationKind;
      severity: 'high' | 'medium' | 'low';
      records: { id: number; referenceNo: string }[];
      from: string;
      to: string;
      detail: string;
    };
export type SodFinding = Extract<Finding, { risk: RiskLevel }>;
export type AuthorityFinding = Extract<Finding, { severity: string }>;

/** Incompatible-duty conflicts as of a date, open and mitigated, most serious first. */
export async function sodFindings(db: Executor, opts: { asOf?: string; locale: Locale }): Promise<SodFinding[]> {
  const [{ conflicts }, duties] = await Promise.all([checkConflicts(db, { asOf: opts.asOf }), listDutyCategories(db)]);
  const dutyName = new Map(duties.map((d) => [d.code, opts.locale === 'en' ? d.nameEn || d.nameZh : d.nameZh]));
  const t = (key: string) => translate(opts.locale, key);
  return conflicts.map((c) => {
    const positions = c.positions.map((p) => p.name);
    const pair = c.dutyA && c.dutyB ? `${dutyName.get(c.dutyA) ?? c.dutyA} ↔ ${dutyName.get(c.dutyB) ?? c.dutyB}` : positions.join(' ↔ ');
    const subject =
      c.kind === 'people' ? `${c.personName ?? ''} (${positions.join(' + ')})` : c.kind === 'design_unit' ? `${c.unitName ?? ''} (${positions.join(' + ')})` : c.kind === 'control' ? `${c.controlTitle ?? ''} (${positions.join(' + ')})` : positions.join(' + ');
    return {
      kind: c.kind,
      risk: c.risk,
      status: c.status,
      people: c.personId != null ? [{ id: c.personId, name: c.personName ?? '', employeeNo: c.employeeNo }] : [],
      from: c.from,
      to: c.to,
      detail: `${t(`sod.conflictKinds.${c.kind}`)}: ${subject}: ${pair}`,
    };
  });
}

const PAGE = 1000;

/** Violations of the approval records (all pages), optionally of one matter and a date range. */
export async function authorityFindings(
  db: Executor,
  opts: { matterCode?: string; from?: string; to?: string; recordIds?: number[]; locale: Locale },
): Promise<AuthorityFinding[]> {
  let matterId: number | undefined;
  if (opts.matterCode) {
    matterId = await matterIdByCode(db, opts.matterCode);
    if (matterId == null) throw new Error(`--matter: no approval matter with code ${opts.matterCode}`);
  }
  const out: AuthorityFinding[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await checkWithMessages(db, opts.locale, { matterId, from: opts.from, to: opts.to, recordIds: opts.recordIds, offset, limit: PAGE });
    for (const v of page.rows) {
      const setIds = v.setRecordIds ?? [v.recordId];
      const refs = v.setReferences ?? [v.referenceNo];
      out.push({
        kind: v.kind,
        severity: VIOLATION_SEVERITY[v.kind],
        records: setIds.map((id, i) => ({ id, referenceNo: refs[i] ?? '' })),
        from: v.windowFrom ?? v.approvedOn,
        to: v.windowTo ?? v.approvedOn,
        detail: v.message,
      });
    }
    if (page.rows.length < PAGE) break;
  }
  return out;
}
