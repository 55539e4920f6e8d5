import fs from 'node:fs';
import { sql } from 'kysely';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import type { Database } from '../../server/db/connect.ts';
import { insertImported } from '../../server/manual/import.ts';
import { exportManualDocx } from '../../server/manual-docx/load.ts';
import type { ImportedNode } from '../../shared/outline-import.ts';
import type { BenchCase } from '../harness.ts';

/**
 * `export-docx`: a 20,000-node manual (10 chapters, processes of 4 steps × 10 controls; every
 * control with owner, evidence and an inspection point; one body in ten referring to another
 * node) exported to Word — read, numbered, references rendered, control tables, cover, TOC,
 * header/footer — against the `docx` package writing the same paragraphs without structure: one
 * bare SELECT of the rows, one plain paragraph per title, body line and control attribute, no
 * numbering, no lookups of positions / evidence names / inspections, no references, no tables.
 */
const NODES = 20_000;
const CHAPTERS = 10;
const STEPS = 4;
const CONTROLS_PER_STEP = 10;
const POSITIONS = 200;
const ROUNDS = 2;

const BODY = '本流程适用于集团及各下属单位的相关业务，经办人应按规定提交申请并附完整的原始凭单，经部门负责人审核后由财务负责人审批。';

function outline(): ImportedNode[] {
  let count = 0;
  const node = (kind: ImportedNode['kind'], title: string, children: ImportedNode[] = []): ImportedNode => {
    count++;
    return { kind, number: '', title, body: kind === 'control' ? '' : BODY, depth: 0, children };
  };
  const chapters = Array.from({ length: CHAPTERS }, (_, c) => node('chapter', `第${c + 1}部分 业务活动`));
  // processes round-robin over the chapters until the manual holds NODES nodes
  for (let p = 0; count + 1 <= NODES; p++) {
    const process = node('process', `业务流程 ${p + 1} 采购与付款管理`);
    chapters[p % CHAPTERS]!.children.push(process);
    for (let s = 0; s < STEPS && count < NODES; s++) {
      const step = node('step', `步骤 ${s + 1} 申请与审批`);
      process.children.push(step);
      for (let k = 0; k < CONTROLS_PER_STEP && count < NODES; k++) step.children.push(node('control', `控制点 ${k + 1}：经办人提交申请，部门负责人审核后由财务负责人审批`));
    }
  }
  return chapters;
}

async function seed(database: Database) {
  const { db } = database;
  const unit = await db.insertInto('org_unit').values({ code: 'BENCH', name: '基准单位' }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('position')
    .values(Array.from({ length: POSITIONS }, (_, i) => ({ unit_id: unit.id, code: `P${i}`, name: `岗位${i}`, level_rank: 30 })))
    .execute();
  const manual = await db
    .insertInto('manual')
    .values({ code: 'BENCH-DOCX', title: '基准内部控制手册', numbering_style: 'decimal', document_number: '基准发〔2026〕1号', version_label: '2026版', publisher: '基准集团' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    await insertImported(trx, manual.id, outline());
    await sql`
      insert into control (node_id, manual_id, is_key, owner_position_id, evidence_types, objective, frequency)
      select n.id, n.manual_id, n.id % 4 = 0, (select min(id) from position) + (n.id % ${POSITIONS}),
             case n.id % 3 when 0 then array['original_voucher'] when 1 then array['approval_document', 'work_record'] else array[]::text[] end,
             '确保付款经授权审批', 'monthly'
      from manual_node n where n.manual_id = ${manual.id} and n.kind = 'control'`.execute(trx);
    await sql`
      insert into control_inspection (control_id, method, procedure)
      select id, 'sampling', '抽取付款凭证，核对审批人是否在授权范围内' from manual_node where manual_id = ${manual.id} and kind = 'control'`.execute(trx);
    await sql`
      update manual_node set body = body || '具体要求见 [[node:' || (id - 7) || ']]。'
      where manual_id = ${manual.id} and kind <> 'control' and id % 10 = 0
        and exists (select 1 from manual_node t where t.id = manual_node.id - 7 and t.manual_id = ${manual.id})`.execute(trx);
  });
  return manual.id;
}

/** The baseline: the same rows in one SELECT, the same paragraphs written flat. */
async function flatExport(database: Database, manualId: number): Promise<Buffer> {
  const rows = await sql<{ title: string; body: string; is_key: boolean | null; weight: number | null; owner_position_id: number | null; frequency: string | null; evidence_types: string[] | null; procedure: string | null }>`
    select n.title, n.body, c.is_key, c.weight, c.owner_position_id, c.frequency, c.evidence_types, i.procedure
    from manual_node n left join control c on c.node_id = n.id left join control_inspection i on i.control_id = n.id
    where n.manual_id = ${manualId}`.execute(database.db);
  const paragraphs: Paragraph[] = [];
  const p = (text: string) => paragraphs.push(new Paragraph({ children: [new TextRun(text)] }));
  for (const r of rows.rows) {
    p(r.title);
    for (const line of r.body.split('\n')) if (line) p(line);
    if (r.is_key != null) {
      for (const [label, value] of [
        ['控制级别', String(r.is_key)],
        ['权重', String(r.weight)],
        ['责任岗位', String(r.owner_position_id)],
        ['控制频率', String(r.frequency)],
        ['证据类型', (r.evidence_types ?? []).join('、')],
        ['检查要点', r.procedure ?? ''],
        ['控制目标', '确保付款经授权审批'],
      ] as const) {
        p(label);
        p(value);
      }
    }
  }
  return Packer.toBuffer(new Document({ sections: [{ children: paragraphs }] }));
}

/** Peak RSS of this process in MB (VmHWM: the bench process, its embedded database included). */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export const exportDocx: BenchCase = {
  name: 'export-docx',
  async run({ database }) {
    const t0 = performance.now();
    const manualId = await seed(database);
    const seedMs = performance.now() - t0;
    // load the docx package's code paths once, so neither side's first run pays for it
    await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('warm-up')] }] }));
    const rssBefore = peakRssMb();
    const coldFeature = await timed(() => exportManualDocx(database.db, manualId, 'draft', 'zh-CN'));
    const rssFeature = peakRssMb();
    const coldBaseline = await timed(() => flatExport(database, manualId));
    const feature: number[] = [];
    const baseline: number[] = [];
    // interleaved, so a busy machine slows both alike; best of the rounds is each side's own cost
    for (let round = 0; round < ROUNDS; round++) {
      feature.push((await timed(() => exportManualDocx(database.db, manualId, 'draft', 'zh-CN'))).ms);
      baseline.push((await timed(() => flatExport(database, manualId))).ms);
    }
    const { input, plan, buffer } = coldFeature.value;
    const featureMs = Math.min(...feature);
    const baselineMs = Math.min(...baseline);
    return {
      ratio: featureMs / baselineMs,
      details:
        `nodes=${input.nodes.length} controls=${input.nodes.filter((n) => n.control).length} blocks=${plan.blocks.length} docx_ms=${featureMs.toFixed(0)} flat_docx_ms=${baselineMs.toFixed(0)} ` +
        `median_ratio=${(median(feature) / median(baseline)).toFixed(2)} cold_ratio=${(coldFeature.ms / coldBaseline.ms).toFixed(2)} cold_docx_ms=${coldFeature.ms.toFixed(0)} cold_flat_ms=${coldBaseline.ms.toFixed(0)} ` +
        `size_kb=${Math.round(buffer.length / 1024)} flat_size_kb=${Math.round(coldBaseline.value.length / 1024)} seed_ms=${seedMs.toFixed(0)} ` +
        `peak_rss_mb=${Math.max(rssFeature, peakRssMb())} rss_before_export_mb=${rssBefore}`,
    };
  },
};
