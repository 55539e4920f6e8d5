import type { TFunction } from 'i18next';
import type { LintItem } from '../../../../shared/control-lint.ts';
import { AUTOMATIONS, CONTROL_NATURES, ELEMENTS, EVIDENCE_TYPES, FREQUENCIES, SCORING_METHODS } from '../../../../shared/controls.ts';
import type { LiveDesign, MatrixControl, MatrixData } from './matrix-data.ts';

/** What a control shows that no weight edit can change (labels, places, owner). */
interface StaticRow {
  id: number;
  number: string;
  title: string;
  /** home process first (where the number comes from) */
  processIds: number[];
  processLabel: string;
  processLabels: string[];
  stepLabel: string;
  shared: boolean;
  weightOverride: number | null;
  frequency: string;
  owner: string;
  ownerPositionId: number | null;
  unit: string;
  evidence: string;
  evidenceCount: number;
  inspectionCount: number;
  objective: string;
  risk: string;
  nature: string;
  automation: string;
  element: string;
  scoringMethod: string;
  /** grouping keys */
  processGroup: string;
  unitGroup: string;
  subjectGroup: string;
}

/** One row of the control matrix: a control with its labels, live share and lint findings. */
export interface MatrixRow extends StaticRow {
  isKey: boolean;
  levelLabel: string;
  /** effective weight (override or manual default; a draft being typed counts) */
  weight: number;
  /** share of the home process's total weight */
  share: number | null;
  /** the share in every process it is linked into (shared controls) */
  shares: { processId: number; label: string; share: number | null }[];
  lint: LintItem[];
  lintCount: number;
}

const NO_LINT: LintItem[] = [];

/** Every translated word the matrix shows, looked up once (i18next per cell × 20,000 rows is slow). */
function labelsOf(t: TFunction, custom: readonly { code: string; name: string }[]) {
  const table = (codes: readonly string[], ns: string) => new Map(codes.map((c) => [c, t(`${ns}.${c}`)]));
  const evidence = table(EVIDENCE_TYPES, 'evidenceTypes');
  for (const e of custom) evidence.set(e.code, e.name);
  return {
    evidence,
    frequency: table(FREQUENCIES, 'frequencies'),
    nature: table(CONTROL_NATURES, 'controlNatures'),
    automation: table(AUTOMATIONS, 'automations'),
    element: table(ELEMENTS, 'elements'),
    scoring: table(SCORING_METHODS, 'scoringMethods'),
    key: t('controlLevels.key'),
    general: t('controlLevels.general'),
    list: t('punct.list'),
    clause: t('punct.clause'),
  };
}
type Labels = ReturnType<typeof labelsOf>;

/**
 * Static parts per matrix answer and language: a weight edit patches one control object, so the
 * other 19,999 keep theirs and only the live part (weight, share, lint) is rebuilt.
 */
const staticCache = new WeakMap<MatrixData['processes'], { t: TFunction; custom: MatrixData['evidenceTypes']; labels: Labels; rows: WeakMap<MatrixControl, StaticRow> }>();

function staticRowsFor(data: MatrixData, t: TFunction) {
  let cache = staticCache.get(data.processes);
  if (!cache || cache.t !== t || cache.custom !== data.evidenceTypes) {
    cache = { t, custom: data.evidenceTypes, labels: labelsOf(t, data.evidenceTypes), rows: new WeakMap() };
    staticCache.set(data.processes, cache);
  }
  return cache;
}

export function buildMatrixRows(data: MatrixData, design: LiveDesign, t: TFunction): MatrixRow[] {
  const cache = staticRowsFor(data, t);
  const { labels } = cache;
  let processById: Map<number, MatrixData['processes'][number]> | undefined;
  let stepById: Map<number, MatrixData['steps'][number]> | undefined;
  const staticRow = (c: MatrixControl): StaticRow => {
    const hit = cache.rows.get(c);
    if (hit) return hit;
    processById ??= new Map(data.processes.map((p) => [p.id, p]));
    stepById ??= new Map(data.steps.map((s) => [s.id, s]));
    const processes = processById;
    const processLabels = c.processIds.map((id) => {
      const p = processes.get(id);
      return p ? `${p.number} ${p.title}` : '';
    });
    const step = c.stepIds[0] == null ? undefined : stepById.get(c.stepIds[0]);
    const row: StaticRow = {
      id: c.id,
      number: c.number,
      title: c.title,
      processIds: c.processIds,
      processLabel: processLabels.join(labels.clause),
      processLabels,
      stepLabel: step ? `${step.number} ${step.title}` : '',
      shared: c.shared,
      weightOverride: c.weightOverride,
      frequency: labels.frequency.get(c.frequency) ?? c.frequency,
      owner: c.ownerPositionName ?? '',
      ownerPositionId: c.ownerPositionId,
      unit: c.ownerUnitName ?? '',
      evidence: c.evidenceTypes.map((e) => labels.evidence.get(e) ?? e).join(labels.list),
      evidenceCount: c.evidenceTypes.length,
      inspectionCount: c.inspectionCount,
      objective: c.objective,
      risk: c.risk,
      nature: labels.nature.get(c.nature) ?? c.nature,
      automation: labels.automation.get(c.automation) ?? c.automation,
      element: labels.element.get(c.element) ?? c.element,
      scoringMethod: labels.scoring.get(c.scoringMethod) ?? c.scoringMethod,
      processGroup: c.processIds[0] == null ? '' : String(c.processIds[0]),
      unitGroup: c.ownerUnitName ?? '',
      subjectGroup: [...new Set(c.processIds.flatMap((p) => processes.get(p)?.designSubjects ?? []))].sort().join(labels.list),
    };
    cache.rows.set(c, row);
    return row;
  };
  const shareIn = (processId: number, weight: number) => {
    const total = design.weights.get(processId)?.total ?? 0;
    return total > 0 ? weight / total : null;
  };

  return data.controls.map((c, i): MatrixRow => {
    const live = design.lintControls[i];
    // lintControls is built from data.controls in the same order; fall back when it is not
    const { weight, isKey } = live?.id === c.id ? live : c;
    const base = staticRow(c);
    const lint = design.lintByNode.get(c.id) ?? NO_LINT;
    return {
      ...base,
      isKey,
      levelLabel: isKey ? labels.key : labels.general,
      weight,
      share: base.processIds[0] == null ? null : shareIn(base.processIds[0], weight),
      shares: base.shared ? base.processIds.map((p, k) => ({ processId: p, label: base.processLabels[k]!, share: shareIn(p, weight) })) : [],
      lint,
      lintCount: lint.length,
    };
  });
}
