import { useRef } from 'react';
import { Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { NodeKind } from '../../../shared/outline.ts';
import { KindBadge, ROW_HEIGHT, StatusBadge } from './OutlineRow.tsx';

export interface FlatNode {
  id: number;
  kind: NodeKind;
  title: string;
  number: string;
  depth: number;
  status?: string | null;
}

/** A read-only, virtualised numbered outline (frozen versions, previews). */
export function FlatOutline({ nodes, testId, height = '60vh' }: { nodes: FlatNode[]; testId?: string; height?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: nodes.length, getScrollElement: () => ref.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  return (
    <div ref={ref} data-testid={testId} style={{ height, overflow: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const n = nodes[item.index]!;
          return (
            <div
              key={n.id}
              data-testid={`flat-row-${n.id}`}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
                display: 'flex',
                alignItems: 'center',
                gap: 8,
                paddingLeft: 8 + n.depth * 20,
                borderBottom: '1px solid var(--mantine-color-gray-1)',
              }}
            >
              <Text span fw={600} size="sm" style={{ whiteSpace: 'nowrap' }}>
                {n.number}
              </Text>
              <KindBadge kind={n.kind} />
              <Text span size="sm" truncate style={{ flex: 1, minWidth: 0 }}>
                {n.title}
              </Text>
              <StatusBadge status={n.status ?? null} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
