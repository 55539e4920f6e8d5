import yauzl from 'yauzl';
import { appError } from '../errors.ts';
import { ZIP_BOUNDS } from '../files/bounded-unzip.ts';

/**
 * The parts of a .docx the import reads, unpacked with caps so a zip bomb or a damaged file
 * fails with a clear message. Kept behind this one function so the shared bounded-unzip helper
 * can replace it.
 */

export const DOCX_LIMITS = {
  entries: 5_000,
  /** one part, unpacked */
  entryBytes: 64 * 1024 * 1024,
  /** the parts read, together, unpacked */
  totalBytes: 128 * 1024 * 1024,
};

const WANTED = new Set(['word/document.xml', 'word/numbering.xml', 'word/styles.xml', 'docProps/core.xml']);
const mb = (n: number) => Math.round((n / (1024 * 1024)) * 10) / 10;

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err ? reject(err) : resolve(zip!)));
  });
}

/** word/document.xml (required), numbering.xml, styles.xml and docProps/core.xml when present. */
export async function readDocxParts(buffer: Buffer): Promise<Map<string, Buffer>> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buffer);
  } catch (err) {
    throw appError('BAD_REQUEST', 'errors.docImport.damaged', { detail: (err as Error).message.slice(0, 200) });
  }
  if (zip.entryCount > DOCX_LIMITS.entries) {
    zip.close();
    throw appError('BAD_REQUEST', 'errors.docImport.zipBomb', { size: zip.entryCount, max: DOCX_LIMITS.entries });
  }
  const parts = new Map<string, Buffer>();
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      zip.close();
      reject(err);
    };
    const damaged = (err: Error) => fail(appError('BAD_REQUEST', 'errors.docImport.damaged', { detail: err.message.slice(0, 200) }));
    zip.on('error', damaged);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!WANTED.has(entry.fileName)) return zip.readEntry();
      if (entry.isEncrypted()) return fail(appError('BAD_REQUEST', 'errors.docImport.encrypted'));
      const tooBig = () => fail(appError('BAD_REQUEST', 'errors.docImport.zipBomb', { size: mb(Math.max(entry.uncompressedSize, total)), max: mb(DOCX_LIMITS.entryBytes) }));
      if (entry.uncompressedSize > DOCX_LIMITS.entryBytes || total + entry.uncompressedSize > DOCX_LIMITS.totalBytes) return tooBig();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return damaged(err ?? new Error('unreadable entry'));
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          // never trust the declared size: stop inflating past the cap, or past the ratio of a zip bomb
          // (the same ratio bound as every other upload: server/files/bounded-unzip.ts)
          const unpacked = total + size;
          const bomb = unpacked > ZIP_BOUNDS.ratioFreeBytes && unpacked > buffer.length * ZIP_BOUNDS.maxRatio;
          if (size > DOCX_LIMITS.entryBytes || unpacked > DOCX_LIMITS.totalBytes || bomb) {
            stream.destroy();
            tooBig();
            return;
          }
          chunks.push(c);
        });
        // yauzl stops a part that inflates past its declared size: a lying header is a zip bomb
        stream.on('error', (e: Error) => (/too many bytes/i.test(e.message) ? tooBig() : damaged(e)));
        stream.on('end', () => {
          total += size;
          parts.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  if (!parts.has('word/document.xml')) throw appError('BAD_REQUEST', 'errors.docImport.notDocx');
  return parts;
}
