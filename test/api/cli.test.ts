import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readZip } from '../fixtures/zip.ts';

// The public CLI contract: `npx controlbook import FILE [--manual CODE] [--dry-run] [--json]`.
const run = (args: string[], env: NodeJS.ProcessEnv) =>
  execFileSync(process.execPath, ['bin/controlbook.mjs', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

it('imports a text file: --dry-run --json prints the outline, then saves into a manual', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cli-'));
  const file = path.join(dir, 'toc.txt');
  fs.writeFileSync(file, '目 录\n1 总则 ........ 1\n1.1 目的 ........ 1\n1.2 范围 ........ 2\n2 资金活动 ........ 3\n2.1 现金管理 ........ 3\n');
  const env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
  const dry = JSON.parse(run(['import', file, '--dry-run', '--json'], env));
  const shape = (nodes: Array<{ kind: string; number: string; title: string; children: unknown[] }>): unknown[] =>
    nodes.map((n) => ({ kind: n.kind, number: n.number, title: n.title, children: shape(n.children as never) }));
  expect(dry).toMatchObject({ source: 'text', format: 'decimal', numberingStyle: 'decimal' });
  expect(shape(dry.outline)).toEqual([
    { kind: 'chapter', number: '1', title: '总则', children: [{ kind: 'section', number: '1.1', title: '目的', children: [] }, { kind: 'section', number: '1.2', title: '范围', children: [] }] },
    { kind: 'chapter', number: '2', title: '资金活动', children: [{ kind: 'section', number: '2.1', title: '现金管理', children: [] }] },
  ]);
  expect(fs.existsSync(env.DATA_DIR)).toBe(false); // a dry run opens no database
  const saved = JSON.parse(run(['import', file, '--manual', 'TOC', '--json'], env));
  expect(saved).toMatchObject({ manual: 'TOC', inserted: 5, format: 'decimal' });
  expect(() => run(['import', path.join(dir, 'missing.txt'), '--dry-run'], env)).toThrow(/file not found/);
}, 300_000);

it('imports a .docx (sniffed, whatever its name) and refuses an old .doc with what to do', async () => {
  const { headingStyledDocx } = await import('../fixtures/docx-documents.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cli-'));
  const file = path.join(dir, 'manual.bin');
  fs.writeFileSync(file, await headingStyledDocx({ regulation: true }));
  const env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
  const dry = JSON.parse(run(['import', file, '--dry-run', '--json'], env));
  expect(dry).toMatchObject({ source: 'docx', format: 'regulation', properties: { title: '采购付款管理制度', documentNumber: '集团采〔2025〕8号' } });
  expect(dry.outline.map((c: { number: string; children: Array<{ number: string }> }) => [c.number, c.children.map((a) => a.number)])).toEqual([
    ['第一章', ['第一条', '第二条']],
    ['第二章', ['第三条']],
  ]);
  const saved = JSON.parse(run(['import', file, '--manual', 'REG', '--json'], env));
  expect(saved).toMatchObject({ manual: 'REG', inserted: 5 });
  const doc = path.join(dir, 'old.doc');
  fs.writeFileSync(doc, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
  expect(() => run(['import', doc, '--dry-run'], env)).toThrow(/Save as \.docx/);
}, 300_000);

// `npx controlbook export-manual CODE [--version N] -o FILE.docx [--lang en]`
it('exports a manual as a Word document: the draft marked, a published version by number', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cli-docx-'));
  const env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
  run(['seed-demo'], env);
  const draftFile = path.join(dir, 'draft.docx');
  expect(run(['export-manual', 'ICM-DEMO', '-o', draftFile], env)).toMatch(/^wrote .*draft\.docx \(ICM-DEMO draft, \d+ items, \d+ control tables\)/);
  const draft = (await readZip(fs.readFileSync(draftFile))).get('word/document.xml')!.toString('utf8');
  expect(draft).toContain('草稿 / DRAFT');
  expect(draft).toContain('<w:pStyle w:val="Heading1"/>');
  const v1File = path.join(dir, 'v1.docx');
  expect(run(['export-manual', 'ICM-DEMO', '--version', '1', '--lang', 'en', '-o', v1File], env)).toMatch(/\(ICM-DEMO version 1, /);
  const v1 = (await readZip(fs.readFileSync(v1File))).get('word/document.xml')!.toString('utf8');
  expect(v1).toContain('Document No.: ');
  expect(v1).not.toContain('DRAFT');
  expect(() => run(['export-manual', 'ICM-DEMO', '--version', '9', '-o', path.join(dir, 'v9.docx')], env)).toThrow(/版本 9 不存在/);
  expect(fs.existsSync(path.join(dir, 'v9.docx'))).toBe(false);
}, 480_000);
