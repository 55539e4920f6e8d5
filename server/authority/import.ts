import { sql } from 'kysely';
import type { Db, Executor } from '../db/connect.ts';
import { Trail } from '../audit/trail.ts';
import { appError } from '../errors.ts';
import { translate } from '../i18n.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { cellText, mapHeaders, parseAmount, parseDate, type Cell, type ImportField, type ImportResult, type ImportRowError } from '../../shared/approval-import.ts';

export type { ImportResult, ImportRowError };
import { readTable } from '../http/tabular.ts';
import { throttled, type Upload, type UploadContext } from '../http/upload.ts';

/**
 * Import of approval records from CSV or .xlsx. Rows stream in; each is checked (known matter and
 * people, well-formed amount and dates, reference not yet used) and errors are kept per row. A dry
 * run stops there; a commit writes every row in one transaction, or nothing when any row is wrong.
 */

export const MAX_REPORTED_ERRORS = 1000;
const DB_BATCH = 1000;

type Row = [matterId: number, referenceNo: string, requesterId: number, approverId: number, vendor: string | null, amount: number | null, approvedOn: string, executedOn: string | null, minutesRef: string | null, viaDelegationId: number | null, rowNo: number];

interface Lookups {
  matterByKey: Map<string, { id: number; unit: string }>;
  personByNo: Map<string, number>;
  personByName: Map<string, number[]>;
  delegationById: Map<number, { delegateId: number; matterId: number }>;
}

async function loadLookups(db: Executor): Promise<Lookups> {
  const matters = await db.selectFrom('authority_matter').select(['id', 'code', 'name', 'unit']).execute();
  const people = await db.selectFrom('person').select(['id', 'employee_no', 'name']).execute();
  const delegations = await db.selectFrom('delegation').select(['id', 'delegate_id', 'matter_id']).execute();
  const matterByKey = new Map<string, { id: number; unit: string }>();
  for (const m of matters) matterByKey.set(m.name.trim(), m);
  for (const m of matters) matterByKey.set(m.code.toLowerCase(), m);
  const personByName = new Map<string, number[]>();
  for (const p of people) (personByName.get(p.name.trim()) ?? personByName.set(p.name.trim(), []).get(p.name.trim())!).push(p.id);
  return {
    matterByKey,
    personByNo: new Map(people.map((p) => [p.employee_no.toLowerCase(), p.id])),
    personByName,
    delegationById: new Map(delegations.map((d) => [d.id, { delegateId: d.delegate_id, matterId: d.matter_id }])),
  };
}

/** Who imports: a signed-in user, or the command line (no user id). */
export type ImportActor = Pick<SessionUser, 'username'> & { id: number | null };

export async function importApprovals(ctx: Omit<UploadContext, 'user'> & { user: ImportActor; dryRun: boolean }): Promise<ImportResult> {
  const { db, locale, upload } = ctx;
  const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  const fieldName = (f: ImportField) => t(`authority.importFields.${f}`);
  const progress = throttled(ctx.progress);
  const lookups = await loadLookups(db);

  const errors: ImportRowError[] = [];
  let errorCount = 0;
  const rowError = (row: number, field: ImportField | null, key: string, params: Record<string, unknown> = {}) => {
    errorCount++;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ row, field, message: t(`errors.approvalImport.${key}`, params) });
  };

  let columns: Partial<Record<ImportField, number>> | null = null;
  const valid: Row[] = [];
  let pending: Row[] = []; // awaiting the check against references already in the database
  const firstRowOfReference = new Map<string, number>();
  let rows = 0;

  const flushPending = async () => {
    const byMatter = new Map<number, Row[]>();
    for (const r of pending) (byMatter.get(r[0]) ?? byMatter.set(r[0], []).get(r[0])!).push(r);
    for (const [matterId, list] of byMatter) {
      const existing = await db
        .selectFrom('approval_record')
        .select('reference_no')
        .where('matter_id', '=', matterId)
        .where('reference_no', 'in', list.map((r) => r[1]))
        .execute();
      const taken = new Set(existing.map((e) => e.reference_no));
      for (const r of list) {
        if (taken.has(r[1])) rowError(r[10], 'referenceNo', 'duplicateExisting', { value: r[1] });
        else valid.push(r);
      }
    }
    pending = [];
  };

  for await (const { rowNo, cells } of readTable(upload)) {
    if (!columns) {
      const mapping = mapHeaders(cells.map(cellText));
      if (mapping.duplicates.length) throw appError('BAD_REQUEST', 'errors.approvalImport.duplicateColumn', { column: fieldName(mapping.duplicates[0]!) });
      if (mapping.missing.length) {
        throw appError('BAD_REQUEST', 'errors.approvalImport.missingColumns', {
          columns: mapping.missing.map(fieldName).join(locale === 'en' ? ', ' : '、'),
          found: cells.map(cellText).filter(Boolean).join(locale === 'en' ? ', ' : '、') || '—',
        });
      }
      columns = mapping.columns;
      continue;
    }
    const cols = columns;
    const cell = (f: ImportField): Cell => (cols[f] == null ? null : cells[cols[f]!]);
    const text = (f: ImportField) => cellText(cell(f));
    if (cells.every((c) => cellText(c) === '')) continue;
    rows++;
    const before = errorCount;
    // what the database would refuse at commit is an error of the row, found by the dry run too
    for (const f of Object.keys(cols) as ImportField[]) if (text(f).includes('\0')) rowError(rowNo, f, 'nulChar', { field: fieldName(f) });

    const matterText = text('matter');
    const matter = matterText ? (lookups.matterByKey.get(matterText.toLowerCase()) ?? lookups.matterByKey.get(matterText)) : undefined;
    if (!matterText) rowError(rowNo, 'matter', 'required', { field: fieldName('matter') });
    else if (!matter) rowError(rowNo, 'matter', 'unknownMatter', { value: matterText });

    const referenceNo = text('referenceNo');
    if (!referenceNo) rowError(rowNo, 'referenceNo', 'required', { field: fieldName('referenceNo') });
    else if (referenceNo.length > 60) rowError(rowNo, 'referenceNo', 'tooLong', { field: fieldName('referenceNo'), max: 60 });

    const person = (f: 'requester' | 'approver'): number | undefined => {
      const value = text(f);
      if (!value) return void rowError(rowNo, f, 'required', { field: fieldName(f) });
      const byNo = lookups.personByNo.get(value.toLowerCase());
      if (byNo) return byNo;
      const byName = lookups.personByName.get(value) ?? [];
      if (byName.length === 1) return byName[0];
      rowError(rowNo, f, byName.length > 1 ? 'ambiguousPerson' : 'unknownPerson', { value });
      return undefined;
    };
    const requesterId = person('requester');
    const approverId = person('approver');

    const amount = parseAmount(cell('amount'));
    if (amount === undefined) rowError(rowNo, 'amount', 'badAmount', { value: text('amount') });
    else if (amount === null && matter && matter.unit !== 'none') rowError(rowNo, 'amount', 'required', { field: fieldName('amount') });

    const date = (f: 'approvedOn' | 'executedOn', required: boolean) => {
      const value = parseDate(cell(f));
      if (value === undefined) rowError(rowNo, f, 'badDate', { value: text(f) });
      else if (value === null && required) rowError(rowNo, f, 'required', { field: fieldName(f) });
      return value ?? null;
    };
    const approvedOn = date('approvedOn', true);
    const executedOn = date('executedOn', false);

    const limited = (f: 'vendor' | 'minutesRef', max: number) => {
      const value = text(f);
      if (value.length > max) rowError(rowNo, f, 'tooLong', { field: fieldName(f), max });
      return value || null;
    };
    const vendor = limited('vendor', 200);
    const minutesRef = limited('minutesRef', 200);

    let viaDelegationId: number | null = null;
    const delegationText = text('delegation');
    if (delegationText) {
      const id = /^#?\d{1,9}$/.test(delegationText) ? Number(delegationText.replace('#', '')) : NaN;
      const d = lookups.delegationById.get(id);
      if (!d) rowError(rowNo, 'delegation', 'badDelegation', { value: delegationText });
      else if (matter && approverId && (d.matterId !== matter.id || d.delegateId !== approverId)) rowError(rowNo, 'delegation', 'delegationMismatch', { id });
      else viaDelegationId = id;
    }

    if (matter && referenceNo) {
      const key = `${matter.id}\u0000${referenceNo}`;
      const first = firstRowOfReference.get(key);
      if (first != null) rowError(rowNo, 'referenceNo', 'duplicateInFile', { value: referenceNo, first });
      else firstRowOfReference.set(key, rowNo);
    }

    if (errorCount === before) {
      pending.push([matter!.id, referenceNo, requesterId!, approverId!, vendor, matter!.unit === 'none' ? null : amount!, approvedOn!, executedOn, minutesRef, viaDelegationId, rowNo]);
      if (pending.length >= DB_BATCH) await flushPending();
    }
    progress({ phase: 'read', rows, errors: errorCount, bytes: upload.bytesRead(), size: upload.size });
  }
  if (!columns) throw appError('BAD_REQUEST', 'errors.approvalImport.noHeader');
  await flushPending();
  if (rows === 0) throw appError('BAD_REQUEST', 'errors.approvalImport.noRows');
  progress({ phase: 'read', rows, errors: errorCount, bytes: upload.bytesRead(), size: upload.size }, true);
  errors.sort((a, b) => a.row - b.row);

  const result: ImportResult = {
    dryRun: ctx.dryRun,
    fileName: upload.fileName,
    fileKind: upload.kind === 'xlsx' ? 'xlsx' : 'csv',
    rows,
    valid: valid.length,
    errorCount,
    errors,
    committed: false,
    batchId: null,
    inserted: 0,
    message: null,
  };
  if (ctx.dryRun) return result;
  if (errorCount > 0) return { ...result, message: t('errors.approvalImport.hasErrors', { count: errorCount }) };

  const { batchId, inserted } = await commitRows(db, ctx.user, upload, valid, (written) => progress({ phase: 'write', rows: written, total: valid.length }, written === valid.length));
  return { ...result, committed: true, batchId, inserted };
}

/** Every row in one transaction, in multi-row inserts; the import batch and one trail row with them. */
async function commitRows(db: Db, user: ImportActor, upload: Upload, rows: Row[], onProgress: (written: number) => void) {
  return db.transaction().execute(async (trx) => {
    const trail = new Trail(trx, { userId: user.id, username: user.username });
    const batch = await trx
      .insertInto('approval_import')
      .values({ file_name: upload.fileName, file_kind: upload.kind === 'xlsx' ? 'xlsx' : 'csv', row_count: rows.length, imported_by: user.username })
      .returning('id')
      .executeTakeFirstOrThrow();
    let written = 0;
    for (let i = 0; i < rows.length; i += DB_BATCH) {
      const chunk = rows.slice(i, i + DB_BATCH);
      await trx
        .insertInto('approval_record')
        .values(
          chunk.map((r) => ({
            matter_id: r[0],
            reference_no: r[1],
            requester_id: r[2],
            approver_id: r[3],
            vendor: r[4],
            amount: r[5],
            approved_on: r[6],
            executed_on: r[7],
            minutes_ref: r[8],
            via_delegation_id: r[9],
            import_batch_id: batch.id,
          })),
        )
        .execute();
      written += chunk.length;
      onProgress(written);
    }
    await trail.record({
      entity: 'approval_import',
      entityId: batch.id,
      action: 'import',
      after: { fileName: upload.fileName, fileKind: upload.kind, rows: rows.length },
    });
    const count = await trx.selectFrom('approval_record').select(sql<number>`count(*)`.as('n')).where('import_batch_id', '=', batch.id).executeTakeFirstOrThrow();
    return { batchId: batch.id, inserted: count.n };
  });
}
