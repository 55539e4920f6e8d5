import fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { writeAuditWorkbook } from '../../server/workbook/audit-workbook.ts';
import type { AuditWorkbookData } from '../../shared/audits.ts';

/**
 * Child process of the `workbook-export` bench. `feature`: the workbook data object
 * (auditWorkbookData) arrives on stdin; write the evaluation workbook — once cold (its peak RSS is
 * reported), then timed. `baseline`: a downloaded workbook arrives on stdin; its cells (read back,
 * not timed) are written by a bare exceljs streaming writer: no styles, merges, conditional formats
 * or chart. Separate processes, so neither pays for the other's data in its heap. Prints JSON.
 */

const mode = process.argv[2] as 'feature' | 'baseline';
const iterations = Number(process.argv[3] ?? 3);

class Counter extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.bytes += chunk.length;
    done();
  }
}

/**
 * Peak RSS of this process in MB. Linux's getrusage maxRSS survives exec, so a child would report
 * its parent's peak (the bench process, with the whole seeded database in memory); VmHWM in
 * /proc/self/status belongs to this process's own memory map.
 */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const cpu: number[] = [];
/** wall time in ms; the process's CPU time (all threads, zlib's included) goes to `cpu` */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  return performance.now() - t0;
}

const stdin = await readStdin();

if (mode === 'feature') {
  const data = JSON.parse(stdin.toString('utf8')) as AuditWorkbookData;
  const input = { data, locale: 'zh-CN' as const, conflicts: [], violations: [] };
  let bytes = 0;
  const feature = async () => {
    const out = new Counter();
    await writeAuditWorkbook(input, out);
    bytes = out.bytes;
  };
  await feature(); // cold: the peak RSS of one export (node, loader, data object, streamed write)
  const rssMb = peakRssMb();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) ms.push(await timed(feature));
  console.log(JSON.stringify({ ms, cpu, rssMb, bytes }));
} else {
  // stdin holds a downloaded workbook: its cells are what the baseline writes
  const sheets: { name: string; rows: ExcelJS.CellValue[][] }[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([stdin]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const ws of reader) {
    const rows: ExcelJS.CellValue[][] = [];
    for await (const row of ws) rows.push((row.values as ExcelJS.CellValue[]).slice(1));
    sheets.push({ name: (ws as unknown as { name: string }).name, rows });
  }
  const baseline = async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: new Counter(), useStyles: false, useSharedStrings: false });
    for (const s of sheets) {
      const ws = wb.addWorksheet(s.name);
      for (const values of s.rows) ws.addRow(values).commit();
      ws.commit();
    }
    await wb.commit();
  };
  await baseline(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) ms.push(await timed(baseline));
  const cells = sheets.reduce((n, s) => n + s.rows.reduce((m, r) => m + r.length, 0), 0);
  console.log(JSON.stringify({ ms, cpu, cells }));
}
