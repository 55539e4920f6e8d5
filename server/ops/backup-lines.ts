import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Reading a backup file: gunzip → lines, with bounds, so a crafted file (a "gzip bomb": a few MB
 * on the wire that inflate to gigabytes, e.g. of spaces without a newline) is refused after a
 * bounded amount of work and memory instead of exhausting the heap. The lines are split on bytes
 * (a UTF-8 multi-byte character never contains "\n") and decoded one whole line at a time.
 */

export interface BackupLimits {
  /**
   * One line, inflated. The longest real line is a manual version's snapshot: a 20,000-control
   * manual is about 14 MB, so 64 MiB leaves ×4 headroom while one line (held as bytes, then as
   * a string, then parsed) stays in the low hundreds of MB of heap.
   */
  maxLineBytes: number;
  /**
   * The whole file, inflated. Everything streams into the database, so this bounds time and disk,
   * not memory: 16 GiB is far beyond any installation this app serves (a busy one backs up to a
   * few hundred MB), yet stops an endless stream of small lines.
   */
  maxInflatedBytes: number;
  /**
   * Inflated bytes per compressed byte. Real backups (JSON text, mostly Chinese) compress 5–20×,
   * very repetitive tables perhaps 50×; deflate's maximum is about 1,030×, where bombs sit. 200×
   * refuses bombs and leaves legitimate files ten times headroom.
   */
  maxRatio: number;
  /** the ratio is judged only past this many inflated bytes: a tiny file may compress very well */
  ratioFreeBytes: number;
}

const MiB = 1024 * 1024;
export const BACKUP_LIMITS: BackupLimits = {
  maxLineBytes: 64 * MiB,
  maxInflatedBytes: 16 * 1024 * MiB,
  maxRatio: 200,
  ratioFreeBytes: 64 * MiB,
};

/** The file itself is unusable: not a backup, truncated, corrupt, or inconsistent with its trailer. */
export class BackupFileError extends Error {}

/** A backup over one of the limits: carries a message key of the shared catalog for the HTTP route. */
export class BackupLimitError extends BackupFileError {
  constructor(
    message: string,
    readonly key: string,
    readonly params: Record<string, unknown>,
  ) {
    super(message);
  }
}

const mib = (n: number) => Math.round((n / MiB) * 10) / 10;

export function fileError(err: unknown): BackupFileError {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof BackupFileError) return err;
  if (e.code === 'Z_DATA_ERROR' && /header/i.test(e.message)) {
    return new BackupFileError('not a ControlBook backup file (not gzip-compressed data)');
  }
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new BackupFileError(`the backup file is truncated or corrupt (${e.message})`);
  }
  return new BackupFileError(`cannot read the backup: ${e.message ?? String(err)}`);
}

/** gunzip → lines (the complete lines of each chunk); stream, decompression and limit errors become BackupFileError. */
export async function* readLines(input: Readable, limits: BackupLimits = BACKUP_LIMITS): AsyncGenerator<string[]> {
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  // the pieces of an unfinished line; only new bytes are searched for "\n", so a line of many
  // megabytes (a manual version's snapshot) costs linear time, not a rescan per chunk
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let inflated = 0;
  let lineNo = 0;
  const lineTooLong = () =>
    new BackupLimitError(
      `the backup file is not usable: line ${lineNo + 1} is longer than ${mib(limits.maxLineBytes)} MB (a ControlBook backup has no such line)`,
      'errors.ops.restoreLineTooLong',
      { line: lineNo + 1, max: mib(limits.maxLineBytes) },
    );
  const chunks = gunzip[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw fileError(err);
      }
      if (next.done) break;
      const buf = next.value;
      const lines: string[] = [];
      let start = 0;
      for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
        if (partialBytes + nl - start > limits.maxLineBytes) throw lineTooLong();
        const piece = buf.subarray(start, nl);
        // a backup has no empty lines; refusing them keeps a flood of "\n" from costing a step each
        if (!partialBytes && !piece.length) throw new BackupFileError(`the backup file is corrupt: line ${lineNo + 1} is empty`);
        lines.push((partial.length ? Buffer.concat([...partial, piece]) : piece).toString('utf8'));
        lineNo++;
        partial = [];
        partialBytes = 0;
        start = nl + 1;
      }
      if (start < buf.length) {
        partialBytes += buf.length - start;
        if (partialBytes > limits.maxLineBytes) throw lineTooLong();
        partial.push(buf.subarray(start));
      }
      inflated += buf.length;
      if (inflated > limits.maxInflatedBytes) {
        throw new BackupLimitError(
          `the backup file is not usable: it unpacks to more than ${mib(limits.maxInflatedBytes)} MB`,
          'errors.ops.restoreTooLarge',
          { max: mib(limits.maxInflatedBytes) },
        );
      }
      // bytesWritten: compressed bytes handed to zlib so far (at least those consumed)
      if (inflated > limits.ratioFreeBytes && inflated > gunzip.bytesWritten * limits.maxRatio) {
        throw new BackupLimitError(
          `the backup file is not usable: it unpacks to more than ${limits.maxRatio} times its compressed size (a "zip bomb")`,
          'errors.ops.restoreRatio',
          { ratio: limits.maxRatio },
        );
      }
      if (lines.length) yield lines;
    }
    if (partialBytes) yield [Buffer.concat(partial).toString('utf8')];
  } finally {
    gunzip.destroy();
  }
}
