import { sql } from 'kysely';
import type { Database } from '../../server/db/connect.ts';
import { insertImported } from '../../server/manual/import.ts';
import { lint, overlapReport } from '../../server/controls/service.ts';
import type { ImportedNode } from '../../shared/outline-import.ts';
import { medianMs, type BenchCase } from '../harness.ts';

/**
 * A manual of 20,000 controls in 500 processes (10 chapters × 50 processes × 4 steps × 10 controls),
 * 200 owner positions, evidence and inspections on most controls, 1,000 shared links. Feature
 * cost is compared with a bare SELECT of the same rows (nodes joined with their control attributes).
 */
const CHAPTERS = 10;
const PROCESSES_PER_CHAPTER = 50;
const STEPS = 4;
const CONTROLS_PER_STEP = 10;
const POSITIONS = 200;
const ITERATIONS = 5;

const CHARS = '付款审批核对单据齐全会计月末编制余额调节表仓库盘点存货采购验收合同签订预算审核登记台账复核发票金额一致授权批准印章保管分离稽核应收账龄分析坏账核销工资发放考勤固定资产折旧出纳现金银行存款票据报销差旅招标供应商评价质量退货销售信用客户回款开票收入成本费用税务申报资金计划融资担保投资项目工程进度结算';

/** Varied control wording; every 50th control nearly repeats the one before it (a probable duplicate). */
function title(n: number): string {
  const base = (k: number) => {
    let seed = k * 2654435761;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) % CHARS.length;
    return Array.from({ length: 12 + (k % 8) }, () => CHARS[next()]).join('');
  };
  return n % 50 === 0 ? `${base(n - 1)}（复核）` : base(n);
}

function outline(): ImportedNode[] {
  let c = 0;
  const node = (kind: ImportedNode['kind'], t: string, children: ImportedNode[] = []): ImportedNode => ({ kind, number: '', title: t, body: '', depth: 0, children });
  return Array.from({ length: CHAPTERS }, (_, ch) =>
    node(
      'chapter',
      `第${ch + 1}章`,
      Array.from({ length: PROCESSES_PER_CHAPTER }, (_, p) =>
        node(
          'process',
          `流程 ${ch + 1}.${p + 1}`,
          Array.from({ length: STEPS }, (_, s) => node('step', `步骤 ${s + 1}`, Array.from({ length: CONTROLS_PER_STEP }, () => node('control', title(++c))))),
        ),
      ),
    ),
  );
}

export async function generateControlManual(database: Database) {
  const { db } = database;
  const unit = await db.insertInto('org_unit').values({ code: 'BENCH', name: '基准单位' }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('position')
    .values(Array.from({ length: POSITIONS }, (_, i) => ({ unit_id: unit.id, code: `P${i}`, name: `岗位${i}`, level_rank: 30 })))
    .execute();
  const manual = await db.insertInto('manual').values({ code: 'BENCH-RCM', title: 'RCM', numbering_style: 'decimal' }).returning('id').executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    await insertImported(trx, manual.id, outline());
    await sql`update manual_node set status = 'active' where manual_id = ${manual.id} and kind = 'process'`.execute(trx);
    // attributes: every 4th control key; runs of 50 controls share an owner and evidence set
    await sql`
      insert into control (node_id, manual_id, is_key, owner_position_id, evidence_types, objective, frequency)
      select n.id, n.manual_id, n.id % 4 = 0,
             (select min(id) from position) + ((n.id / 50) % ${POSITIONS}),
             case (n.id / 50) % 3 when 0 then array['original_voucher'] when 1 then array['approval_document', 'work_record'] else array[]::text[] end,
             n.title, 'monthly'
      from manual_node n where n.manual_id = ${manual.id} and n.kind = 'control'`.execute(trx);
    await sql`
      insert into control_inspection (control_id, method, procedure)
      select id, 'sampling', '抽样检查' from manual_node where manual_id = ${manual.id} and kind = 'control' and id % 10 <> 0`.execute(trx);
    // 1,000 controls shared into a step of another process
    await sql`
      with steps as (select id, row_number() over (order by id) - 1 as i, count(*) over () as n from manual_node where manual_id = ${manual.id} and kind = 'step'),
           shared as (select id, row_number() over (order by id) as k from manual_node where manual_id = ${manual.id} and kind = 'control' and id % 20 = 0)
      insert into control_link (control_id, host_id)
      select shared.id, steps.id from shared join steps on steps.i = (shared.k * 37) % steps.n`.execute(trx);
  });
  const count = await sql<{ n: number }>`select count(*)::int as n from control where manual_id = ${manual.id}`.execute(db);
  return { manualId: manual.id, controls: count.rows[0]!.n };
}

/** The baseline: the same rows, no logic. */
function bareSelect(database: Database, manualId: number) {
  return sql`
    select n.id, n.parent_id, n.order_key, n.kind, n.title, n.status, c.*
    from manual_node n left join control c on c.node_id = n.id
    where n.manual_id = ${manualId}`.execute(database.db);
}

async function compare(database: Database, name: string, feature: (manualId: number) => Promise<unknown>, describe: (r: unknown) => string) {
  const { manualId, controls } = await generateControlManual(database);
  const base = await medianMs(() => bareSelect(database, manualId), ITERATIONS, 2);
  let last: unknown;
  const ms = await medianMs(async () => (last = await feature(manualId)), ITERATIONS, 1);
  return { ratio: ms / base, details: `controls=${controls} ${name}_ms=${ms.toFixed(0)} select_ms=${base.toFixed(0)} ${describe(last)}` };
}

export const controlsLint: BenchCase = {
  name: 'controls-lint',
  run: ({ database }) =>
    compare(database, 'lint', (id) => lint(database.db, id), (r) => `findings=${(r as unknown[]).length}`),
};

export const controlsOverlap: BenchCase = {
  name: 'controls-overlap',
  run: ({ database }) =>
    compare(
      database,
      'overlap',
      (id) => overlapReport(database.db, id),
      (r) => {
        const o = r as Awaited<ReturnType<typeof overlapReport>>;
        return `shared=${o.shared.reduce((n, g) => n + g.controls.length, 0)} duplicates=${o.duplicates.length}`;
      },
    ),
};
