import type { TFunction } from 'i18next';
import type { SodConflict } from './sod-types.ts';

/** Who or what a conflict is about, in words: the person, unit, control or position. */
export function conflictSubject(c: SodConflict, t: TFunction, nameOf: (code: string) => string): string {
  const positions = c.positions.map((p) => p.name).join(' + ');
  switch (c.kind) {
    case 'people':
      return `${c.employeeNo ?? ''} ${c.personName ?? ''} · ${positions}`;
    case 'design_unit':
      return `${c.unitName ?? ''} · ${positions}`;
    case 'control':
      return `${c.controlTitle ?? ''} · ${positions} (${t('sodPage.checks', { duty: nameOf(c.dutyB ?? '') })})`;
    default:
      return positions;
  }
}

/** The incompatible pair: duty names, or the two positions of a position rule. */
export function conflictPair(c: SodConflict, nameOf: (code: string) => string): string {
  if (c.dutyA && c.dutyB) return `${nameOf(c.dutyA)} ↔ ${nameOf(c.dutyB)}`;
  return c.positions.map((p) => p.name).join(' ↔ ');
}

/** An inclusive overlap, open end shown as "…". */
export function periodText(from: string | null, to: string | null, openEnded: string): string {
  if (!from) return '';
  return `${from} – ${to ?? openEnded}`;
}
