/**
 * The width a grid header needs to show its label uncut: the label's text width in the header font,
 * plus cell padding and room for a sort arrow. English labels are often much wider than the Chinese
 * ones a column's size was chosen for ("Weight", "Evidence" were cut to "Weigh", "Evide").
 */
const PADDING_AND_ARROW = 16 + 20;
let context: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export function headerWidth(label: string): number {
  if (!label) return 0;
  let width = cache.get(label);
  if (width == null) {
    if (context === undefined) {
      context = document.createElement('canvas').getContext('2d');
      if (context) context.font = `700 14px ${getComputedStyle(document.body).fontFamily}`;
    }
    // no canvas (tests without one): a generous average character width
    width = Math.ceil((context ? context.measureText(label).width : label.length * 8.5) + PADDING_AND_ARROW);
    cache.set(label, width);
  }
  return width;
}
