import { expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeApi, failure } from './harness.ts';
import { buildApp } from '../../server/app.ts';
import { seedDemo, DEMO_PASSWORD } from '../../server/demo/seed.ts';
import { readZip } from '../fixtures/zip.ts';
import { convertWithSoffice, hasSoffice } from '../fixtures/libreoffice.ts';

/**
 * The manual as a Word document through the real path: properties edited by a designer, the
 * download route (session, manual.read, ?version, ?lang), and the file reopened: heading styles
 * per outline level with typed numbers, TOC field, PAGE / NUMPAGES footer, control tables, cover
 * properties, draft marking, references rendered with numbers; then converted to PDF by LibreOffice.
 */

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

interface Para {
  style: string | null;
  text: string;
  indent: number;
}

/** Every paragraph of a part: its style and its text. */
function paragraphs(xml: string): Para[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => ({
    style: /<w:pStyle w:val="([^"]+)"/.exec(p)?.[1] ?? null,
    text: decode([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
    indent: Number(/<w:ind w:left="(\d+)"/.exec(p)?.[1] ?? 0),
  }));
}

const instr = (xml: string) => [...xml.matchAll(/<w:instrText[^>]*>([^<]*)<\/w:instrText>/g)].map((m) => decode(m[1]!).trim());

async function open(buffer: Buffer) {
  const zip = await readZip(buffer);
  const part = (name: string) => zip.get(name)?.toString('utf8') ?? '';
  const document = part('word/document.xml');
  const rels = part('word/_rels/document.xml.rels');
  // the header and footer the section uses
  const target = (type: 'header' | 'footer') => new RegExp(`Type="[^"]*/${type}" Target="([^"]+)"`).exec(rels)?.[1] ?? `${type}1.xml`;
  return {
    document,
    paragraphs: paragraphs(document),
    tables: document.match(/<w:tbl>/g)?.length ?? 0,
    header: paragraphs(part(`word/${target('header')}`)).map((p) => p.text).join('\n'),
    footerXml: part(`word/${target('footer')}`),
    settings: part('word/settings.xml'),
    styles: part('word/styles.xml'),
  };
}

describeApi('manual as a Word document', (env) => {
  async function app(): Promise<FastifyInstance> {
    await seedDemo(env().db);
    return buildApp({ database: { db: env().db, backend: env().backend, close: async () => {} }, production: false, secureCookies: false, logLevel: 'silent', clientDir: '/nonexistent' });
  }
  async function login(server: FastifyInstance, username: string) {
    const res = await server.inject({
      method: 'POST',
      url: '/api/trpc/auth.login',
      headers: { 'content-type': 'application/json', 'x-controlbook-csrf': '1' },
      payload: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === 'cb_session')!;
    return `${c.name}=${c.value}`;
  }
  const demoManual = async () => (await env().caller('viewer').manual.list()).find((m) => m.code === 'ICM-DEMO')!;

  it('lets a designer set the cover properties (validated, trailed, left alone when not given)', async () => {
    const designer = env().caller('designer');
    const m = await designer.manual.create({ code: 'DOC-1', title: '资金管理制度' });
    expect(m).toMatchObject({ documentNumber: '', versionLabel: '', effectiveDate: null, publisher: '', numberingScript: 'hans' });
    const props = { documentNumber: '集团发〔2026〕12号', versionLabel: '2026版', effectiveDate: '2026-12-01', publisher: '示范集团有限公司', numberingScript: 'hant' as const };
    const updated = await designer.manual.update({ id: m.id, data: { code: 'DOC-1', title: '资金管理制度', numberingStyle: 'regulation', ...props } });
    expect(updated).toMatchObject(props);
    // an update without the properties (an older client) keeps them
    await designer.manual.update({ id: m.id, data: { code: 'DOC-1', title: '资金管理制度（修订）' } });
    expect((await designer.manual.list()).find((x) => x.id === m.id)).toMatchObject({ ...props, title: '资金管理制度（修订）' });
    const trail = await env().caller('admin').trail.list({ entity: 'manual', action: 'update' });
    expect(trail.rows.length).toBe(2);

    const bad = await failure(designer.manual.update({ id: m.id, data: { code: 'DOC-1', title: 'x', effectiveDate: '2026-02-30' } }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(bad.fieldErrors)).toContain('生效日期须为有效日期');
    const long = await failure(designer.manual.update({ id: m.id, data: { code: 'DOC-1', title: 'x', documentNumber: '号'.repeat(201) } }), 'en');
    expect(JSON.stringify(long.fieldErrors)).toContain('Document number: at most 200 characters.');
    expect((await failure(env().caller('viewer').manual.update({ id: m.id, data: { code: 'DOC-1', title: 'x' } }))).code).toBe('FORBIDDEN');
  });

  it('exports the draft: cover, TOC field, Heading N per level with typed numbers, control tables, rendered references, draft marks, page X of Y', async () => {
    const server = await app();
    try {
      const manual = await demoManual();
      await env().caller('designer').manual.update({
        id: manual.id,
        data: { code: manual.code, title: manual.title, numberingStyle: manual.numberingStyle, documentNumber: '示范发〔2026〕1号', versionLabel: '2026版', effectiveDate: '2026-12-01', publisher: '示范集团' },
      });
      const tree = await env().caller('viewer').manual.tree({ manualId: manual.id });
      const cookie = await login(server, 'viewer');
      const res = await server.inject({ url: `/api/manuals/${manual.id}/manual.docx`, headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).toBe(`${manual.code}-${manual.title}-草稿.docx`);
      const doc = await open(res.rawPayload);

      // cover: the title (not a heading), the draft mark, one labelled property per paragraph
      const texts = doc.paragraphs.map((p) => p.text);
      expect(doc.paragraphs.find((p) => p.style === 'Title')?.text).toBe(manual.title);
      expect(texts).toEqual(expect.arrayContaining(['文号：示范发〔2026〕1号', '版本：2026版', '生效日期：2026-12-01', '发布：示范集团', '草稿 / DRAFT']));
      // the TOC field, filled on open
      expect(instr(doc.document).some((i) => /^TOC\b.*\\o "1-3"/.test(i))).toBe(true);
      expect(doc.settings).toMatch(/<w:updateFields(?: w:val="(?:true|1)")?\/>/);
      // every node is a heading of its level, its number typed before its title
      const headings = doc.paragraphs.filter((p) => p.style?.startsWith('Heading'));
      expect(headings.map((h) => [h.style, h.text])).toEqual(tree.nodes.map((n) => [`Heading${n.depth + 1}`, `${n.number} ${n.title}`]));
      expect(new Set(headings.map((h) => h.style)).size).toBeGreaterThanOrEqual(4);
      expect(doc.styles).toMatch(/w:styleId="Heading4"[\s\S]*?<w:outlineLvl w:val="3"\/>/);
      // one table per control point, labelled in Chinese
      const controls = tree.nodes.filter((n) => n.kind === 'control');
      expect(doc.tables).toBe(controls.length);
      for (const label of ['控制级别', '权重', '责任岗位', '控制频率', '证据类型', '检查要点']) {
        expect(doc.paragraphs.filter((p) => p.style === 'ControlLabel' && p.text === label).length, label).toBe(controls.length);
      }
      expect(texts).toContain('关键控制点');
      // references rendered with their current numbers, none left as tokens
      const referring = tree.nodes.filter((n) => n.body.includes('[[node:'));
      expect(referring.length).toBeGreaterThan(0);
      for (const n of referring) for (const line of n.renderedBody.split('\n').filter((l) => l.trim())) expect(texts).toContain(line);
      expect(doc.document).not.toContain('[[node:');
      // header: the manual's name and the draft mark; footer: 第 PAGE 页 共 NUMPAGES 页
      expect(doc.header).toContain(manual.title);
      expect(doc.header).toContain('草稿 / DRAFT');
      expect(instr(doc.footerXml)).toEqual(['PAGE', 'NUMPAGES']);
      expect(paragraphs(doc.footerXml)[0]!.text).toMatch(/^第 .*页 共 .*页$/);

      if (hasSoffice) {
        const pdf = convertWithSoffice(res.rawPayload, 'manual.docx', 'pdf');
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        // cover, contents and the outline: several pages
        expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
      }
    } finally {
      await server.close();
    }
  }, 180_000);

  it('exports a published version with its frozen numbers, unmarked, in English; refuses strangers, unknown manuals and versions', async () => {
    const server = await app();
    try {
      const manual = await demoManual();
      const v1 = await env().caller('viewer').manual.version({ manualId: manual.id, version: 1 });
      // the draft moves on: a new first chapter renumbers everything after it
      await env().caller('designer').manual.insert({ manualId: manual.id, placement: { relation: 'root_start' }, node: { kind: 'chapter', title: '总则', body: '' } });
      const cookie = await login(server, 'viewer');
      const res = await server.inject({ url: `/api/manuals/${manual.id}/manual.docx?version=1&lang=en`, headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).toBe(`${manual.code}-${manual.title}-v1.docx`);
      const doc = await open(res.rawPayload);
      const headings = doc.paragraphs.filter((p) => p.style?.startsWith('Heading'));
      expect(headings.map((h) => h.text)).toEqual(v1.map((n) => `${n.number} ${n.title}`));
      expect(headings[0]!.text).not.toContain('总则');
      const texts = doc.paragraphs.map((p) => p.text);
      expect(texts).toEqual(expect.arrayContaining(['Document No.: ', 'Effective date: ', 'Publisher: ', 'Version: V1']));
      expect(texts.some((t) => t.startsWith('Version 1 (published '))).toBe(true);
      expect(doc.document).not.toContain('DRAFT');
      expect(doc.header).toBe(manual.title);
      expect(paragraphs(doc.footerXml)[0]!.text).toBe('Page  of ');
      expect(doc.paragraphs.filter((p) => p.style === 'ControlLabel' && p.text === 'Owner position').length).toBe(v1.filter((n) => n.kind === 'control').length);
      // the draft has the new chapter first
      const draft = await open((await server.inject({ url: `/api/manuals/${manual.id}/manual.docx?version=draft`, headers: { cookie } })).rawPayload);
      expect(draft.paragraphs.find((p) => p.style === 'Heading1')?.text).toBe('1 总则');

      expect((await server.inject({ url: `/api/manuals/${manual.id}/manual.docx` })).statusCode).toBe(401);
      const missing = await server.inject({ url: '/api/manuals/999999/manual.docx', headers: { cookie } });
      expect(missing.statusCode).toBe(404);
      const noVersion = await server.inject({ url: `/api/manuals/${manual.id}/manual.docx?version=7`, headers: { cookie } });
      expect(noVersion.statusCode).toBe(400);
      expect(noVersion.json().error.messageKey).toBe('errors.outline.noVersion');
      expect((await server.inject({ url: `/api/manuals/${manual.id}/manual.docx?version=abc`, headers: { cookie } })).statusCode).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('writes Traditional regulation numbers, and items deeper than Heading9 as indented text', async () => {
    const server = await app();
    try {
      const designer = env().caller('designer');
      const m = await designer.manual.create({ code: 'HANT', title: '資金管理辦法', numberingStyle: 'regulation', numberingScript: 'hant' });
      const chapter = await designer.manual.insert({ manualId: m.id, placement: { relation: 'root_end' }, node: { kind: 'chapter', title: '總則', body: '' } });
      const section = await designer.manual.insert({ manualId: m.id, placement: { relation: 'inside_end', targetId: chapter.id }, node: { kind: 'section', title: '一般規定', body: '' } });
      let parent = await designer.manual.insert({ manualId: m.id, placement: { relation: 'inside_end', targetId: section.id }, node: { kind: 'clause', title: '目的', body: `見[[node:${section.id}]]。` } });
      // clauses nested to depth 11 (levels 4..12)
      for (let depth = 3; depth <= 11; depth++) {
        parent = await designer.manual.insert({ manualId: m.id, placement: { relation: 'inside_end', targetId: parent.id }, node: { kind: 'clause', title: `層${depth}`, body: '' } });
      }
      const cookie = await login(server, 'designer');
      const doc = await open((await server.inject({ url: `/api/manuals/${m.id}/manual.docx`, headers: { cookie } })).rawPayload);
      const outline = doc.paragraphs.slice(doc.paragraphs.findIndex((p) => p.style === 'Heading1'));
      expect(outline.slice(0, 4).map((p) => [p.style, p.text])).toEqual([
        ['Heading1', '第一章 總則'],
        ['Heading2', '第一節 一般規定'],
        ['Heading3', '第一條 目的'],
        [null, '見第一節。'],
      ]);
      expect(doc.styles).toContain('w:styleId="Heading9"');
      expect(outline.filter((p) => p.style === 'Heading9')).toHaveLength(1);
      // levels 10, 11, 12: body style, indented further each level
      const deep = outline.filter((p) => p.text.endsWith('層9') || p.text.endsWith('層10') || p.text.endsWith('層11'));
      expect(deep.map((p) => p.style)).toEqual([null, null, null]);
      expect(deep.map((p) => p.indent)).toEqual([420, 840, 1260]);
    } finally {
      await server.close();
    }
  });
});
