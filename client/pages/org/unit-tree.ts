import { buildUnitTree, type UnitNode } from '../../../shared/org.ts';
import type { Unit } from '../../lib/org-types.ts';

export type UnitRow = Unit & { depth: number; path: string };

/** Units in tree order with their depth (for indentation) and full path (for search and labels). */
export function flattenUnits(units: Unit[]): UnitRow[] {
  const out: UnitRow[] = [];
  const walk = (nodes: UnitNode<Unit>[], depth: number, parentPath: string) => {
    for (const node of nodes) {
      const path = parentPath ? `${parentPath} / ${node.unit.name}` : node.unit.name;
      out.push({ ...node.unit, depth, path });
      walk(node.children, depth + 1, path);
    }
  };
  walk(buildUnitTree(units), 0, '');
  return out;
}

/** Select options for a unit picker, indented by depth. */
export function unitOptions(rows: UnitRow[], exclude?: ReadonlySet<number>) {
  return rows
    .filter((u) => !exclude?.has(u.id))
    .map((u) => ({ value: String(u.id), label: `${'\u3000'.repeat(u.depth)}${u.name} (${u.code})` }));
}

/** A unit and all units below it (cannot become its parent). */
export function subtreeIds(units: Unit[], rootId: number): Set<number> {
  const ids = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) {
      if (u.parentId != null && ids.has(u.parentId) && !ids.has(u.id)) {
        ids.add(u.id);
        grew = true;
      }
    }
  }
  return ids;
}
