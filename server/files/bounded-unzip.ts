import yauzl from 'yauzl';
import { appError } from '../errors.ts';

/**
 * Reading uploaded zip files (.xlsx, .docx) without trusting them: the number of entries, each
 * entry's and all entries' unpacked size (declared and actual: yauzl fails an entry that inflates
 * past its declared size) and the ratio of unpacked to file size are bounded while inflating, so a
 * zip bomb costs at most the limits. Encrypted and damaged files are refused. Every refusal is an
 * app error `<messages>.<problem>` (default `errors.zip.*`), translated for the user.
 */

export interface ZipBounds {
  entries: number;
  /** one entry, unpacked */
  entryBytes: number;
  /** all entries together, unpacked */
  totalBytes: number;
  /**
   * unpacked bytes per byte of the file. Office XML compresses 5–20×, a sheet of repeated cells
   * perhaps 60×; deflate's ceiling (~1,030×) is where bombs sit. 200× keeps a ×3 margin.
   */
  maxRatio: number;
  /** the ratio is judged only past this many unpacked bytes (tiny files compress very well) */
  ratioFreeBytes: number;
}

const MiB = 1024 * 1024;
export const ZIP_BOUNDS: ZipBounds = {
  entries: 1_000,
  entryBytes: 150 * MiB,
  totalBytes: 200 * MiB,
  maxRatio: 200,
  ratioFreeBytes: 10 * MiB,
};

export type ZipProblem = 'corrupt' | 'encrypted' | 'tooManyEntries' | 'entryTooLarge' | 'tooLargeUnpacked' | 'ratio' | 'missingEntry';

export interface ReadZipOptions {
  bounds?: Partial<ZipBounds>;
  /** which entries to keep in memory (the rest are inflated, counted and dropped); default none */
  keep?: (name: string) => boolean;
  /** message-key prefix of refusals, e.g. 'errors.rcm' (default 'errors.zip') */
  messages?: string;
}

const mb = (n: number) => Math.round((n / MiB) * 10) / 10;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err ? reject(err) : resolve(zip!)));
  });
}

/**
 * Inflates every entry of `buffer` within the bounds; returns the kept entries by name.
 * Throws an app error (BAD_REQUEST) naming the problem otherwise.
 */
export async function readZip(buffer: Buffer, options: ReadZipOptions = {}): Promise<Map<string, Buffer>> {
  const bounds = { ...ZIP_BOUNDS, ...options.bounds };
  const refuse = (problem: ZipProblem, params?: Record<string, unknown>) => appError('BAD_REQUEST', `${options.messages ?? 'errors.zip'}.${problem}`, params);
  if (!ZIP_MAGIC.every((b, i) => buffer[i] === b)) throw refuse('corrupt', { detail: 'not a zip file' });
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buffer);
  } catch (err) {
    throw refuse('corrupt', { detail: (err as Error).message });
  }
  const kept = new Map<string, Buffer>();
  try {
    if (zip.entryCount > bounds.entries) throw refuse('tooManyEntries', { count: zip.entryCount, max: bounds.entries });
    let declared = 0;
    let inflated = 0;
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        zip.close();
        reject(err);
      };
      zip.on('error', (err: Error) => fail(refuse('corrupt', { detail: err.message })));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName.slice(0, 100);
        if (entry.isEncrypted()) return fail(refuse('encrypted'));
        if (entry.uncompressedSize > bounds.entryBytes) {
          return fail(refuse('entryTooLarge', { name, size: mb(entry.uncompressedSize), max: mb(bounds.entryBytes) }));
        }
        declared += entry.uncompressedSize;
        if (declared > bounds.totalBytes) return fail(refuse('tooLargeUnpacked', { size: mb(declared), max: mb(bounds.totalBytes) }));
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return fail(refuse('corrupt', { detail: err?.message ?? 'unreadable entry' }));
          const keep = options.keep?.(entry.fileName) ?? false;
          const chunks: Buffer[] = [];
          // yauzl errors if the inflated data runs past (or short of) the declared size; the
          // counts below hold even if a declared size was a lie
          stream.on('error', (e: Error) => fail(refuse('corrupt', { detail: `${name}: ${e.message}` })));
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > bounds.totalBytes) {
              stream.destroy();
              return fail(refuse('tooLargeUnpacked', { size: mb(inflated), max: mb(bounds.totalBytes) }));
            }
            if (inflated > bounds.ratioFreeBytes && inflated > buffer.length * bounds.maxRatio) {
              stream.destroy();
              return fail(refuse('ratio', { ratio: bounds.maxRatio }));
            }
            if (keep) chunks.push(chunk);
          });
          stream.on('end', () => {
            if (failed) return;
            if (keep) kept.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return kept;
}

/** The named entries of a zip (e.g. a .docx's `word/document.xml`), read within the bounds; a missing one is refused. */
export async function readZipEntries(buffer: Buffer, names: string[], options: Omit<ReadZipOptions, 'keep'> = {}): Promise<Map<string, Buffer>> {
  const wanted = new Set(names);
  const kept = await readZip(buffer, { ...options, keep: (name) => wanted.has(name) });
  const missing = names.find((n) => !kept.has(n));
  if (missing) throw appError('BAD_REQUEST', `${options.messages ?? 'errors.zip'}.missingEntry`, { name: missing });
  return kept;
}
