import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, Chip, Group, Select, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { controlResultOf } from '../../../shared/audits.ts';
import { NOT_TESTED, type ControlResult } from '../../../shared/scoring.ts';
import { useCan, useSessionUser } from '../../lib/session.tsx';
import { inFieldwork, useAuditId, type AuditControl, type AuditTest } from './audit-data.ts';
import { useAuditOutlet } from './AuditLayout.tsx';
import { ConflictModal } from './ConflictModal.tsx';
import { ControlsGrid, type ControlRow } from './ControlsGrid.tsx';
import { LiveScores } from './live-scores.ts';
import { livePanelData, ScorePanel } from './ScorePanel.tsx';
import { TestForm } from './TestForm.tsx';
import { applyShortcut, draftResult, isShortcut, sameValues, valuesFromTest, type TestFormValues } from './test-draft.ts';
import { useSaveTest } from './use-save-test.ts';
import { joinList } from '../../lib/punct.ts';

type Filter = 'mine' | 'notTested' | 'deficient' | 'keyOnly';
const NO_FILTERS: Filter[] = [];

/** Typing in a text field: shortcut letters and Enter belong to the field, not to rapid entry. */
function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target.isContentEditable) return true;
  return target instanceof HTMLInputElement && !['radio', 'checkbox', 'button', 'submit'].includes(target.type);
}

/**
 * /audits/:id — rapid entry: the controls in scope (virtualised grid), the selected control's
 * test form, and the live score panel that follows every keystroke through the shared
 * incremental roll-up. Unsaved drafts are kept per row until saved or discarded.
 */
export function WorkspacePage() {
  const { t } = useTranslation();
  const auditId = useAuditId();
  const detail = useAuditOutlet();
  const { user } = useSessionUser();
  const canWrite = useCan('audit.write');
  const readOnly = !canWrite || !inFieldwork(detail.audit.status);
  const { save, saving, conflict, takeTheirs, keepMine, errors } = useSaveTest(auditId);

  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [drafts, setDrafts] = useState<ReadonlyMap<number, TestFormValues>>(() => new Map());
  const [filters, setFilters] = useState<Filter[]>(NO_FILTERS);
  const [processFilter, setProcessFilter] = useState<string | null>(null);
  const [formFocus, setFormFocus] = useState(false);
  const orderRef = useRef<number[]>([]);
  const gridRef = useRef<HTMLDivElement | null>(null);

  const controlsById = useMemo(() => new Map(detail.controls.map((c) => [c.id, c])), [detail.controls]);
  const testsByControl = useMemo(() => new Map(detail.tests.map((tt) => [tt.controlId, tt])), [detail.tests]);
  const testerNames = useMemo(() => {
    const byProcess = new Map<number, string[]>();
    for (const tt of detail.testers) byProcess.set(tt.processId, [...(byProcess.get(tt.processId) ?? []), tt.userName]);
    return byProcess;
  }, [detail.testers]);

  // ── live scores: the shared incremental roll-up, saved results + drafts ──
  const live = useMemo(() => {
    try {
      return new LiveScores(detail);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
    // rebuilt only when what is fixed in the state changes; saved results arrive through syncSaved
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detail.controls, detail.findings, detail.processes, detail.audit, detail.units]);

  const draftResults = useMemo(() => {
    const out = new Map<number, { result: ControlResult | null; issues: ReturnType<typeof draftResult>['issues'] }>();
    for (const [id, values] of drafts) {
      const control = controlsById.get(id);
      if (control) out.set(id, draftResult(control, values));
    }
    return out;
  }, [drafts, controlsById]);

  // Idempotent syncs (safe to repeat): saved results when the tests change, drafts when they change.
  const savedRevision = useMemo(() => {
    if (live instanceof Error) return 0;
    live.syncSaved(detail.tests);
    return live.revision;
  }, [live, detail.tests]);
  const liveRevision = useMemo(() => {
    if (live instanceof Error) return 0;
    for (const [id, d] of draftResults) live.setDraft(id, d.result);
    live.retainDrafts(new Set(draftResults.keys()));
    return live.revision;
    // savedRevision orders this after the saved results sync, which it does not read
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, draftResults, savedRevision]);
  const panel = useMemo(
    () => (live instanceof Error ? null : livePanelData(live, detail, drafts.size)),
    // liveRevision moves whenever a score moved
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [live, liveRevision, detail.processes, detail.units, detail.scopeGaps, drafts.size],
  );

  // ── rows and filters ──
  const mine = useCallback(
    (c: AuditControl, test: AuditTest | undefined) =>
      user != null &&
      (test?.testerUserId === user.id || detail.testers.some((tt) => tt.userId === user.id && c.processIds.includes(tt.processId))),
    [user, detail.testers],
  );
  const rows = useMemo<ControlRow[]>(() => {
    const processId = processFilter ? Number(processFilter) : null;
    const out: ControlRow[] = [];
    for (const c of detail.controls) {
      const test = testsByControl.get(c.id);
      const draft = draftResults.get(c.id);
      const result = draft?.result ?? (test ? controlResultOf(test) : NOT_TESTED);
      if (processId != null && !c.processIds.includes(processId)) continue;
      if (filters.includes('keyOnly') && !c.isKey) continue;
      if (filters.includes('notTested') && result.state !== 'not_tested') continue;
      if (filters.includes('deficient') && !(result.state === 'tested' && result.r < 1)) continue;
      if (filters.includes('mine') && !mine(c, test)) continue;
      const values = drafts.get(c.id);
      const evidence = values?.evidence ?? test?.evidence ?? [];
      out.push({
        control: c,
        test,
        result,
        dirty: drafts.has(c.id),
        tester: test?.testerName ?? joinList(t, c.processIds.flatMap((p) => testerNames.get(p) ?? [])),
        evidenceSeen: evidence.filter((e) => e.status === 'seen').length,
        evidenceRequired: c.evidenceTypes.length,
      });
    }
    return out;
  }, [detail.controls, testsByControl, draftResults, drafts, filters, processFilter, mine, testerNames, t]);

  // ── the selected control's form ──
  const selected = selectedId == null ? undefined : controlsById.get(selectedId);
  const selectedTest = selectedId == null ? undefined : testsByControl.get(selectedId);
  const savedValues = useMemo(() => (selected ? valuesFromTest(selected, selectedTest) : null), [selected, selectedTest]);
  const values = selectedId == null ? null : (drafts.get(selectedId) ?? savedValues);

  const setDraft = useCallback(
    (controlId: number, next: TestFormValues | null) => {
      setDrafts((prev) => {
        const control = controlsById.get(controlId);
        const saved = control ? valuesFromTest(control, testsByControl.get(controlId)) : null;
        const copy = new Map(prev);
        if (next == null || (saved && sameValues(next, saved))) copy.delete(controlId);
        else copy.set(controlId, next);
        return copy;
      });
    },
    [controlsById, testsByControl],
  );

  const selectNext = (fromId: number) => {
    const order = orderRef.current;
    const i = order.indexOf(fromId);
    const next = order[i + 1];
    if (next != null) setSelectedId(next);
  };

  /** Save the row's draft (if any) and move to the next row. */
  const commit = async (controlId: number, from: 'grid' | 'form') => {
    setFormFocus(from === 'form');
    const draft = drafts.get(controlId);
    const test = testsByControl.get(controlId);
    if (!readOnly && draft && test) {
      const outcome = await save(controlId, test, draft);
      if (outcome !== 'saved') return;
      setDraft(controlId, null);
    }
    selectNext(controlId);
    if (from === 'grid') gridRef.current?.focus({ preventScroll: true });
  };

  const shortcut = (key: string): boolean => {
    if (readOnly || !selected || !values || !isShortcut(key)) return false;
    const next = applyShortcut(key, selected, values, detail.audit.sampleSizes);
    if (!next) return false;
    setDraft(selected.id, next);
    return true;
  };

  const onGridKey = (key: string, e: KeyboardEvent<HTMLDivElement>) => {
    if (key === 'Enter' && selectedId != null) {
      e.preventDefault();
      void commit(selectedId, 'grid');
    } else if (key === 'Escape' && selectedId != null) {
      setDraft(selectedId, null);
    } else if (shortcut(key)) e.preventDefault();
  };

  // shortcut letters also work on the form's radios and buttons (not in text fields)
  const onFormAreaKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey || isTextTarget(e.target)) return;
    if (e.key === 'Escape') {
      gridRef.current?.focus({ preventScroll: true });
      e.preventDefault();
    } else if (shortcut(e.key)) e.preventDefault();
  };

  const conflictControl = conflict ? controlsById.get(conflict.controlId) : undefined;
  const processOptions = detail.processes.filter((p) => p.inScope).map((p) => ({ value: String(p.id), label: `${p.number} ${p.title}` }));

  return (
    <div>
      <ScorePanel data={panel} error={live instanceof Error ? live.message : undefined} />
      {canWrite && (detail.audit.status === 'planning' || detail.audit.status === 'review') && (
        <Alert color="gray" py={6} mb="xs" data-testid="workspace-readonly">
          {t('auditPages.fieldworkOnly', { status: t(`audits.statuses.${detail.audit.status}`) })}
        </Alert>
      )}
      <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <ControlsGrid
            rows={rows}
            selectedId={selectedId}
            onSelect={(id) => {
              setFormFocus(false);
              setSelectedId(id);
            }}
            onKey={onGridKey}
            orderRef={orderRef}
            focusRef={gridRef}
            toolbar={
              <>
                <Chip.Group multiple value={filters} onChange={(v) => setFilters(v as Filter[])}>
                  <Group gap={4}>
                    {(['mine', 'notTested', 'deficient', 'keyOnly'] as const).map((f) => (
                      <Chip key={f} value={f} size="xs" data-testid={`filter-${f}`}>
                        {t(`auditPages.filters.${f}`)}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
                <Select
                  size="xs"
                  placeholder={t('auditPages.filters.process')}
                  aria-label={t('auditPages.filters.process')}
                  data={processOptions}
                  value={processFilter}
                  onChange={setProcessFilter}
                  clearable
                  searchable
                  w={220}
                  data-testid="filter-process"
                />
              </>
            }
          />
        </div>
        <div style={{ width: 400, flexShrink: 0, maxHeight: 'calc(100vh - 330px)', overflow: 'auto' }} onKeyDown={onFormAreaKey}>
          {selected && values ? (
            <TestForm
              key={selected.id}
              control={selected}
              test={selectedTest}
              values={values}
              onChange={(v) => setDraft(selected.id, v)}
              onSubmit={() => void commit(selected.id, 'form')}
              onDiscard={() => setDraft(selected.id, null)}
              result={draftResults.has(selected.id) ? draftResults.get(selected.id)!.result : selectedTest ? controlResultOf(selectedTest) : NOT_TESTED}
              issues={draftResults.get(selected.id)?.issues ?? []}
              errors={errors[selected.id] ?? {}}
              sampleSizes={detail.audit.sampleSizes}
              dirty={drafts.has(selected.id)}
              saving={saving}
              readOnly={readOnly}
              autoFocus={formFocus}
            />
          ) : (
            <Text c="dimmed" size="sm" p="md" data-testid="test-form-empty">
              {t('auditPages.selectHint')}
            </Text>
          )}
        </div>
      </div>
      <ConflictModal
        conflict={conflict}
        control={conflictControl}
        onTakeTheirs={() => {
          const id = conflict?.controlId;
          void takeTheirs().then(() => id != null && setDraft(id, null));
        }}
        onKeepMine={() => {
          const id = conflict?.controlId;
          void keepMine().then((outcome) => outcome === 'saved' && id != null && setDraft(id, null));
        }}
      />
    </div>
  );
}
