/**
 * What surrounds an imported document's outline (docs/design.md §3.1): the title block before the
 * first heading becomes the manual's properties (name, 文号, 版本, 生效日期, 发布), web-site
 * furniture (breadcrumbs, "来源/浏览次数", copyright and ICP footers) is set aside as `dropped`
 * so the designer sees it in the preview and can keep it. Pure; line based, bounded regexes.
 */

export interface ImportProperties {
  /** the document's title → the manual's name */
  title?: string;
  documentNumber?: string;
  versionLabel?: string;
  /** as written ('2016年1月1日', '2016-01-01'); isoDate() turns it into YYYY-MM-DD when it can */
  effectiveDate?: string;
  publisher?: string;
}

export type DroppedReason =
  | 'pageNumber' // '……12' after a TOC entry, '第 3 页 共 20 页', a bare page number line
  | 'toc' // a table of contents listed before the text itself
  | 'header' // a line repeated on every page (PDF header/footer)
  | 'furniture' // breadcrumbs, URLs, download notices, "浏览次数"
  | 'boilerplate' // trailing site footer: 版权所有, 联系我们, 网站地图, ICP备…
  | 'preamble' // text before the first heading that is neither title nor a property
  | 'propertyLabel' // the '文号：' in '文号：财会〔2008〕7号' (its value is a property)
  | 'unstructured'; // no outline found at all: everything is here

export interface DroppedText {
  text: string;
  reason: DroppedReason;
}

const BOILERPLATE_RE = /版权所有|copyright|©|联系我们|网站地图|ICP备|ICP证|公网安备|京公网|主办单位|承办单位|技术支持[:：]|关于我们|免责声明|设为首页|加入收藏|网站声明/i;
const BREADCRUMB_RE = /^(首页|当前位置|您的位置|您现在的位置|位置)\s*[>＞›»:：]|[>＞›»]\s*(首页|正文)|^(首页|政策法规|法律法规)(\s*[>＞›»]\s*[^>＞›»]{1,20}){1,8}$/;
const SITE_META_RE = /(浏览次数|阅读次数|点击数|字号[:：]?\s*[大中小]|打印本页|关闭窗口|分享到|【\s*(打印|关闭)\s*】|发布时间[:：]|来源[:：].{0,30}(时间|日期|作者)|【字体)/;

/** A line of web-site furniture (breadcrumbs, page meta, footer), never content. */
export function isSiteFurniture(line: string): DroppedReason | null {
  const t = line.trim();
  if (!t || t.length > 200) return null;
  // a footer line starts with its keyword; a long line with one at the end is cut by trailingBoilerplateStart
  const m = BOILERPLATE_RE.exec(t);
  if (m && m.index <= 20 && t.length <= 100) return 'boilerplate';
  if (BREADCRUMB_RE.test(t) || SITE_META_RE.test(t)) return 'furniture';
  return null;
}

/**
 * In a one-line page the footer runs on after the last article: the boilerplate starts at the
 * first footer keyword in the last 600 characters, cut back to the preceding sentence end or
 * space (≤ 80 characters back). Returns the start position or -1.
 */
export function trailingBoilerplateStart(text: string): number {
  const from = Math.max(0, text.length - 600);
  const tail = text.slice(from);
  const m = BOILERPLATE_RE.exec(tail);
  if (!m) return -1;
  let p = from + m.index;
  const stop = Math.max(from, p - 80);
  while (p > stop && !/[。；;！!？?\s]/.test(text[p - 1]!)) p--;
  if (p === stop && stop > from) p = from + m.index;
  return p;
}

type PropKey = Exclude<keyof ImportProperties, 'title'>;
// label: value lines; the label part is given back as 'propertyLabel'
const LABELS: Array<[RegExp, PropKey]> = [
  [/^(文\s*号|发文字号|文件编号|制度编号|编\s*号|document\s*(no\.?|number))\s*[:：]\s*/i, 'documentNumber'],
  [/^(版\s*本(号)?|版\s*次|修订版本|version)\s*[:：]\s*/i, 'versionLabel'],
  [/^(生效日期|施行日期|实施日期|生效时间|施行时间|实施时间|effective(\s*date)?)\s*[:：]\s*/i, 'effectiveDate'],
  [/^(发布单位|发布部门|发文机关|发布机关|制定部门|颁布单位|印发单位|发\s*布|publisher)\s*[:：]\s*/i, 'publisher'],
];
// lines that are a property by their shape alone
const DOC_NUMBER_RE = /^[\p{Script=Han}A-Za-z]{1,12}[〔［[（(【]\s*[0-9]{4}\s*[〕］\]）)】]\s*[0-9]{1,5}\s*号$|^.{0,40}令\s*[（(]?\s*[0-9]{4}\s*年?\s*第\s*[0-9]{1,4}\s*号\s*[）)]?$|^第\s*[0-9]{1,5}\s*号令?$/u;
const VERSION_RE = /^(V|v|版本\s*)?[0-9]{1,2}\.[0-9]{1,2}(\.[0-9]{1,2})?\s*版?$|^[A-Z]\/[0-9]\s*版?$|^第[一二三四五六七八九十0-9]{1,3}版$/;
const EFFECTIVE_RE = /^(自|于)?\s*[0-9〇零一二三四五六七八九十]{4}\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日\s*(起)?\s*(施行|实施|生效)/;
const PUBLISHED_BY_RE = /^[（(]?\s*[\p{Script=Han}]{2,40}\s*[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日\s*(发布|印发|公布)\s*[）)]?$/u;

export interface MetaResult {
  properties: ImportProperties;
  dropped: DroppedText[];
}

/**
 * Read the lines before the first heading. The first line that is neither furniture nor a
 * property and reads like a title (≤ 80 chars, no sentence end inside) is the title; property
 * lines fill their field (first wins); the rest is `dropped` (furniture/boilerplate/preamble).
 */
export function readPreamble(text: string, into: MetaResult = { properties: {}, dropped: [] }): MetaResult {
  const { properties, dropped } = into;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const site = isSiteFurniture(line);
    if (site) {
      dropped.push({ text: line, reason: site });
      continue;
    }
    if (line.length <= 120 && readPropertyLine(line, properties, dropped)) continue;
    if (properties.title === undefined && line.length <= 80 && !/[。；;！？!?]./.test(line)) {
      properties.title = line;
      continue;
    }
    dropped.push({ text: line, reason: 'preamble' });
  }
  return into;
}

/** One line as a property: true when it was used (its text is then in `properties` or `dropped`). */
export function readPropertyLine(line: string, properties: ImportProperties, dropped: DroppedText[]): boolean {
  for (const [re, key] of LABELS) {
    const m = re.exec(line);
    if (m && line.length > m[0].length && properties[key] === undefined) {
      dropped.push({ text: m[0].trim(), reason: 'propertyLabel' });
      properties[key] = line.slice(m[0].length).trim();
      return true;
    }
  }
  const set = (key: PropKey) => {
    if (properties[key] !== undefined) return false;
    properties[key] = line;
    return true;
  };
  if (DOC_NUMBER_RE.test(line)) return set('documentNumber');
  if (VERSION_RE.test(line)) return set('versionLabel');
  if (EFFECTIVE_RE.test(line)) return set('effectiveDate');
  if (PUBLISHED_BY_RE.test(line)) return set('publisher');
  return false;
}

const CN_DIGIT: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** '2016年1月1日' / '二〇一六年一月一日起施行' / '2016-01-01' / '2016.1.1' → '2016-01-01'; null when no date is found. */
export function isoDate(text: string): string | null {
  const t = text
    .replace(/[〇零一二三四五六七八九]/g, (c) => CN_DIGIT[c]!)
    .replace(/([0-9])十([0-9])/g, '$1$2')
    .replace(/([0-9])十/g, '$10')
    .replace(/十([0-9])/g, '1$1')
    .replace(/十/g, '10');
  const m = /([0-9]{4})\s*[年./-]\s*([0-9]{1,2})\s*[月./-]\s*([0-9]{1,2})/.exec(t);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
