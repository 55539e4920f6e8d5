import type ExcelJS from 'exceljs';

/**
 * A native Excel column chart for a streamed workbook. exceljs writes no charts, so the chart
 * parts (xl/charts/chart1.xml, the drawing that anchors it, their relationships and content
 * types) are added to the zip that exceljs's streaming writer is producing, while it produces it:
 * the worksheet gets a drawing relationship and a <drawing> element, and the content-types part
 * gets two overrides. Nothing is re-zipped afterwards, so the download still streams.
 *
 * This leans on exceljs 4.4's streaming writer internals (its archiver `zip`, the worksheet's
 * `_sheetRelsWriter` and `_writeLegacyData`); exceljs is pinned to that version and the workbook
 * tests open the result in exceljs and LibreOffice.
 */

export interface ColumnChartSpec {
  title: string;
  /** series name */
  seriesName: string;
  /** e.g. `'汇总'!$B$12:$B$20` */
  categoriesRef: string;
  valuesRef: string;
  /** cached category labels and values (null = no point, e.g. N/A) */
  categories: string[];
  values: (number | null)[];
  /** anchor: zero-based column/row of the top-left and bottom-right cells */
  from: { col: number; row: number };
  to: { col: number; row: number };
  valueMax?: number;
}

const NS_C = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_DRAWING = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing';
const REL_CHART = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart';
const CT_DRAWING = 'application/vnd.openxmlformats-officedocument.drawing+xml';
const CT_CHART = 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml';

export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- XML 1.0 cannot hold these control characters
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function richText(text: string, sizeHundredths: number, bold: boolean): string {
  return (
    `<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${sizeHundredths}" b="${bold ? 1 : 0}"/></a:pPr>` +
    `<a:r><a:rPr lang="zh-CN" sz="${sizeHundredths}" b="${bold ? 1 : 0}"/><a:t>${xmlEscape(text)}</a:t></a:r></a:p></c:rich>`
  );
}

/** xl/charts/chartN.xml: one clustered column series with data labels, cached values included. */
export function columnChartXml(spec: ColumnChartSpec): string {
  const n = spec.categories.length;
  const catPts = spec.categories.map((c, i) => `<c:pt idx="${i}"><c:v>${xmlEscape(c)}</c:v></c:pt>`).join('');
  const valPts = spec.values
    .map((v, i) => (v == null || !Number.isFinite(v) ? '' : `<c:pt idx="${i}"><c:v>${v}</c:v></c:pt>`))
    .join('');
  const max = spec.valueMax == null ? '' : `<c:max val="${spec.valueMax}"/><c:min val="0"/>`;
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">` +
    `<c:roundedCorners val="0"/>` +
    `<c:chart>` +
    `<c:title><c:tx>${richText(spec.title, 1400, true)}</c:tx><c:overlay val="0"/></c:title>` +
    `<c:autoTitleDeleted val="0"/>` +
    `<c:plotArea><c:layout/>` +
    `<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>` +
    `<c:ser><c:idx val="0"/><c:order val="0"/>` +
    `<c:tx><c:v>${xmlEscape(spec.seriesName)}</c:v></c:tx>` +
    `<c:spPr><a:solidFill><a:srgbClr val="4472C4"/></a:solidFill></c:spPr>` +
    `<c:invertIfNegative val="0"/>` +
    `<c:dLbls><c:numFmt formatCode="0.00" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>` +
    `<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>` +
    `<c:cat><c:strRef><c:f>${xmlEscape(spec.categoriesRef)}</c:f><c:strCache><c:ptCount val="${n}"/>${catPts}</c:strCache></c:strRef></c:cat>` +
    `<c:val><c:numRef><c:f>${xmlEscape(spec.valuesRef)}</c:f><c:numCache><c:formatCode>0.00</c:formatCode><c:ptCount val="${n}"/>${valPts}</c:numCache></c:numRef></c:val>` +
    `</c:ser>` +
    `<c:gapWidth val="80"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>` +
    `<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/>` +
    `<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>` +
    `<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>` +
    `<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/>${max}</c:scaling><c:delete val="0"/><c:axPos val="l"/>` +
    `<c:majorGridlines/><c:numFmt formatCode="0" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>` +
    `<c:crossAx val="50010001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/><c:majorUnit val="20"/></c:valAx>` +
    `</c:plotArea>` +
    // the values live in a hidden helper column: plot hidden cells too
    `<c:plotVisOnly val="0"/><c:dispBlanksAs val="gap"/>` +
    `</c:chart>` +
    `<c:printSettings><c:headerFooter/><c:pageMargins b="0.75" l="0.7" r="0.7" t="0.75" header="0.3" footer="0.3"/><c:pageSetup orientation="landscape"/></c:printSettings>` +
    `</c:chartSpace>`
  );
}

function drawingXml(spec: ColumnChartSpec, chartRelId: string): string {
  const anchor = (tag: string, p: { col: number; row: number }) =>
    `<xdr:${tag}><xdr:col>${p.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${p.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`;
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="${NS_A}">` +
    `<xdr:twoCellAnchor editAs="oneCell">${anchor('from', spec.from)}${anchor('to', spec.to)}` +
    `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1" descr="${xmlEscape(spec.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
    `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>` +
    `<a:graphic><a:graphicData uri="${NS_C}"><c:chart xmlns:c="${NS_C}" xmlns:r="${NS_R}" r:id="${chartRelId}"/></a:graphicData></a:graphic>` +
    `</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`
  );
}

const relsXml = (rels: { id: string; type: string; target: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  rels.map((r) => `<Relationship Id="${r.id}" Type="${r.type}" Target="${r.target}"/>`).join('') +
  `</Relationships>`;

/** The parts of exceljs's streaming writer this module touches. */
interface ZipLike {
  append(source: unknown, data: { name: string }): unknown;
}
interface WorkbookWriterInternals {
  zip: ZipLike;
}
interface WorksheetWriterInternals {
  _sheetRelsWriter: { addRelationship(rel: { Type: string; Target: string }): string };
  _writeLegacyData(): void;
  _write(text: string): void;
}

/**
 * Patch a streaming workbook so that extra parts can be added and [Content_Types].xml /
 * docProps/app.xml rewritten as exceljs appends them. Call right after creating the writer.
 */
export function interceptParts(workbook: ExcelJS.stream.xlsx.WorkbookWriter): {
  addPart(name: string, xml: string, contentType: string | null): void;
  setCompany(name: string): void;
} {
  const internals = workbook as unknown as WorkbookWriterInternals;
  const zip = internals.zip;
  const overrides: string[] = [];
  let company = '';
  const append = zip.append.bind(zip);
  zip.append = (source: unknown, data: { name: string }) => {
    const name = data.name.replace(/^\//, '');
    if (name === '[Content_Types].xml' && typeof source === 'string' && overrides.length) {
      source = source.replace('</Types>', `${overrides.join('')}</Types>`);
    } else if (name === 'docProps/app.xml' && typeof source === 'string' && company) {
      source = source.replace(/<Company>[^<]*<\/Company>|<Company\/>/, `<Company>${xmlEscape(company)}</Company>`);
    }
    return append(source, data);
  };
  return {
    addPart(name, xml, contentType) {
      append(xml, { name });
      if (contentType) overrides.push(`<Override PartName="/${name}" ContentType="${contentType}"/>`);
    },
    setCompany(name) {
      company = name;
    },
  };
}

/** Add `spec` as a chart drawn on `worksheet` (call before the worksheet is committed). */
export function addColumnChart(
  parts: ReturnType<typeof interceptParts>,
  worksheet: ExcelJS.Worksheet,
  spec: ColumnChartSpec,
  n = 1,
): void {
  const ws = worksheet as unknown as WorksheetWriterInternals;
  const drawingRelId = ws._sheetRelsWriter.addRelationship({ Type: REL_DRAWING, Target: `../drawings/drawing${n}.xml` });
  parts.addPart(`xl/charts/chart${n}.xml`, columnChartXml(spec), CT_CHART);
  parts.addPart(`xl/drawings/drawing${n}.xml`, drawingXml(spec, 'rId1'), CT_DRAWING);
  parts.addPart(`xl/drawings/_rels/drawing${n}.xml.rels`, relsXml([{ id: 'rId1', type: REL_CHART, target: `../charts/chart${n}.xml` }]), null);
  // <drawing> belongs after headerFooter/rowBreaks and before legacyDrawing (CT_Worksheet order)
  const writeLegacy = ws._writeLegacyData.bind(ws);
  ws._writeLegacyData = () => {
    ws._write(`<drawing r:id="${drawingRelId}"/>`);
    writeLegacy();
  };
}
