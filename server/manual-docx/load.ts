import type { Executor } from '../db/connect.ts';
import { appError, notFound } from '../errors.ts';
import { translate } from '../i18n.ts';
import * as q from '../manual/queries.ts';
import { getTree } from '../manual/service.ts';
import { snapshotControls } from '../controls/service.ts';
import { customEvidenceTypes } from '../controls/queries.ts';
import type { Locale } from '../../shared/auth.ts';
import type { SnapshotControl } from '../../shared/controls.ts';
import type { NumberedNode } from '../../shared/outline.ts';
import { planManualDocument, type DocumentNode, type DocumentPlan, type ManualDocumentInput } from '../../shared/manual-document.ts';
import { manualDocxBuffer } from './document.ts';

/**
 * What the export reads: a published version's frozen snapshot (its numbers, rendered bodies and
 * control attributes as published), or the live draft (numbers derived now, controls as they are).
 */

export type ExportVersion = number | 'draft';

export async function loadManualDocument(db: Executor, manualId: number, version: ExportVersion, today = new Date()): Promise<ManualDocumentInput> {
  const manual = await q.getManual(db, manualId);
  if (!manual) throw notFound('manual', manualId);
  const evidenceNames = new Map((await customEvidenceTypes(db, manualId)).map((e) => [e.code, e.name]));
  const props = {
    code: manual.code,
    title: manual.title,
    documentNumber: manual.documentNumber,
    versionLabel: manual.versionLabel,
    effectiveDate: manual.effectiveDate,
    publisher: manual.publisher,
  };
  const exportedOn = today.toISOString().slice(0, 10);
  if (version === 'draft') {
    const { nodes } = await getTree(db, manualId);
    const controls = await snapshotControls(db, manualId);
    return {
      manual: props,
      version: null,
      exportedOn,
      evidenceNames,
      nodes: nodes.map((n) => documentNode(n, n.renderedBody, controls.get(n.id))),
    };
  }
  const row = await q.getVersion(db, manualId, version);
  if (!row) throw appError('NOT_FOUND', 'errors.outline.noVersion', { version });
  const snapshot = row.snapshot as (NumberedNode & { control?: SnapshotControl })[];
  return {
    manual: props,
    version: { no: row.versionNo, publishedAt: String(row.publishedAt) },
    exportedOn,
    evidenceNames,
    nodes: snapshot.map((n) => documentNode(n, n.body, n.control)),
  };
}

function documentNode(n: NumberedNode, body: string, control: SnapshotControl | undefined): DocumentNode {
  return { id: n.id, kind: n.kind, number: n.number, depth: n.depth, title: n.title, body, control };
}

/** Load, plan and write: the .docx bytes and the plan they were written from. */
export async function exportManualDocx(db: Executor, manualId: number, version: ExportVersion, locale: Locale): Promise<{ buffer: Buffer; plan: DocumentPlan; input: ManualDocumentInput }> {
  const input = await loadManualDocument(db, manualId, version);
  const plan = planManualDocument(input, (key, params) => translate(locale, key, params));
  return { buffer: await manualDocxBuffer(plan), plan, input };
}

/** file name: CODE-v2.docx, or CODE-草稿.docx / CODE-draft.docx */
export function manualDocxFileName(input: ManualDocumentInput, locale: Locale): string {
  const suffix = input.version ? `v${input.version.no}` : translate(locale, 'manualDocx.fileDraft');
  return `${input.manual.code}-${input.manual.title}-${suffix}.docx`;
}
