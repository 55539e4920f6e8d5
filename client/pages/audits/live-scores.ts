import { controlResultOf, scoredProcessIds, toScoringInput, type AuditDetail, type AuditTest } from '../../../shared/audits.ts';
import {
  applyResultChange,
  createScoreState,
  NOT_TESTED,
  readScore,
  type ControlResult,
  type ScoreRef,
  type ScoreState,
  type SetScore,
} from '../../../shared/scoring.ts';

const sameResult = (a: ControlResult, b: ControlResult) => a.state === b.state && (a.state !== 'tested' || a.r === (b as { r: number }).r);

/**
 * The live score panel's model: the shared incremental roll-up (createScoreState once, then
 * applyResultChange per control) over the saved results with the unsaved drafts on top.
 * Never computes a score itself. Findings are fixed in the state: a new finding list means a
 * new LiveScores.
 */
export class LiveScores {
  private readonly state: ScoreState;
  private readonly saved = new Map<number, ControlResult>();
  private readonly drafts = new Map<number, ControlResult>();
  /** bumped on every change that moved a score */
  revision = 0;

  constructor(detail: AuditDetail) {
    const input = toScoringInput({ ...detail, processIds: scoredProcessIds(detail.processes), unitIds: detail.audit.scopeUnitIds });
    this.state = createScoreState(input);
    for (const t of detail.tests) this.saved.set(t.controlId, controlResultOf(t));
  }

  private current(controlId: number): ControlResult {
    return this.drafts.get(controlId) ?? this.saved.get(controlId) ?? NOT_TESTED;
  }

  /** Set what `controlId` counts with from `change`, applying it to the roll-up when it differs. */
  private update(controlId: number, change: () => void): void {
    const before = this.current(controlId);
    change();
    const after = this.current(controlId);
    if (sameResult(before, after)) return;
    applyResultChange(this.state, controlId, after);
    this.revision++;
  }

  /** Take saved results (after a save or a refetch); idempotent, O(tests) comparisons. */
  syncSaved(tests: readonly AuditTest[]): void {
    for (const t of tests) {
      const result = controlResultOf(t);
      const old = this.saved.get(t.controlId);
      if (old && sameResult(old, result)) continue;
      this.update(t.controlId, () => this.saved.set(t.controlId, result));
    }
  }

  /** An unsaved result for a control; null drops the draft (back to the saved result). Idempotent. */
  setDraft(controlId: number, result: ControlResult | null): void {
    const old = this.drafts.get(controlId);
    if (result == null ? old == null : old != null && sameResult(old, result)) return;
    this.update(controlId, () => (result == null ? this.drafts.delete(controlId) : this.drafts.set(controlId, result)));
  }

  /** Drop every draft not in `keep`. */
  retainDrafts(keep: ReadonlySet<number>): void {
    for (const id of [...this.drafts.keys()]) if (!keep.has(id)) this.setDraft(id, null);
  }

  score(ref: ScoreRef): SetScore | null {
    return readScore(this.state, ref);
  }

  get conclusion() {
    return this.state.conclusion;
  }
}
