import type { NodeKind } from './outline.ts';

/**
 * Where each control sits: its home (parent) plus every host it is linked into. Steps and
 * processes are the nearest step / process at or above each host. Used by the matrix, the lint,
 * the overlap report and audit scoping, so a shared control counts in every process it serves.
 */

export interface PlacementNode {
  id: number;
  parentId: number | null;
  kind: NodeKind;
}

export interface ControlPlacement {
  controlId: number;
  /** home first, then linked hosts */
  hostIds: number[];
  stepIds: number[];
  processIds: number[];
  /** the process/step of the home placement (where its number comes from) */
  homeProcessId: number | null;
  homeStepId: number | null;
}

export function controlPlacements(
  nodes: readonly PlacementNode[],
  links: readonly { controlId: number; hostId: number }[],
): Map<number, ControlPlacement> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const nearestCache = new Map<number, { step: number | null; process: number | null }>();
  // nearest step and process at or above a node, memoised so the whole manual is O(n)
  const nearest = (nodeId: number | null): { step: number | null; process: number | null } => {
    if (nodeId == null) return { step: null, process: null };
    const cached = nearestCache.get(nodeId);
    if (cached) return cached;
    const chain: number[] = [];
    let cur: number | null = nodeId;
    let found = { step: null as number | null, process: null as number | null };
    while (cur != null) {
      const hit = nearestCache.get(cur);
      if (hit) {
        found = { ...hit };
        break;
      }
      chain.push(cur);
      const n = byId.get(cur);
      if (!n) break;
      cur = n.parentId;
    }
    // resolve from the top of the chain down
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = byId.get(chain[i]!)!;
      if (n?.kind === 'process') found = { step: null, process: n.id };
      else if (n?.kind === 'step') found = { step: n.id, process: found.process };
      nearestCache.set(chain[i]!, { ...found });
    }
    return nearestCache.get(nodeId) ?? found;
  };

  const linksByControl = new Map<number, number[]>();
  for (const l of links) {
    const list = linksByControl.get(l.controlId) ?? [];
    list.push(l.hostId);
    linksByControl.set(l.controlId, list);
  }
  const result = new Map<number, ControlPlacement>();
  for (const n of nodes) {
    if (n.kind !== 'control') continue;
    const hostIds = [...(n.parentId != null ? [n.parentId] : []), ...(linksByControl.get(n.id) ?? []).filter((h) => byId.has(h))];
    const steps: number[] = [];
    const processes: number[] = [];
    for (const h of hostIds) {
      const { step, process } = nearest(h);
      if (step != null && !steps.includes(step)) steps.push(step);
      if (process != null && !processes.includes(process)) processes.push(process);
    }
    const home = nearest(n.parentId);
    result.set(n.id, { controlId: n.id, hostIds, stepIds: steps, processIds: processes, homeProcessId: home.process, homeStepId: home.step });
  }
  return result;
}
