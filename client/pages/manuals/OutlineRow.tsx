import { memo, useEffect, useRef, type CSSProperties, type DragEvent } from 'react';
import { Badge, Box, Group, Select, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { NodeKind } from '../../../shared/outline.ts';
import type { LintItem } from '../../../shared/control-lint.ts';
import { dropZone, type DropZone, type TreeNode } from './outline-tree.ts';
import { LintDot } from './controls/LintFlags.tsx';

export const ROW_HEIGHT = 34;
const INDENT = 20;

export const KIND_COLORS: Record<NodeKind, string> = {
  chapter: 'indigo',
  section: 'blue',
  clause: 'gray',
  process: 'grape',
  step: 'cyan',
  control: 'orange',
};
export const STATUS_COLORS: Record<string, string> = { draft: 'gray', pending_design: 'yellow', active: 'teal', retired: 'dark' };

export function KindBadge({ kind }: { kind: NodeKind }) {
  const { t } = useTranslation();
  return (
    <Badge size="xs" variant="light" color={KIND_COLORS[kind]} tt="none" style={{ flexShrink: 0 }}>
      {t(`nodeKinds.${kind}`)}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: string | null }) {
  const { t } = useTranslation();
  if (!status) return null;
  return (
    <Badge size="xs" variant="dot" color={STATUS_COLORS[status] ?? 'gray'} tt="none" style={{ flexShrink: 0 }} data-testid="process-status">
      {t(`processStatuses.${status}`)}
    </Badge>
  );
}

export interface RowHandlers {
  select: (id: number) => void;
  toggle: (id: number) => void;
  startRename: (id: number) => void;
  rename: (id: number, title: string) => void;
  cancelRename: () => void;
  dragStart: (id: number) => void;
  dragOver: (id: number, zone: DropZone) => void;
  drop: (id: number, zone: DropZone) => void;
  dragEnd: () => void;
}

function dropStyle(zone: DropZone | null): CSSProperties {
  const color = 'var(--mantine-color-indigo-6)';
  if (zone === 'before') return { boxShadow: `inset 0 3px 0 ${color}` };
  if (zone === 'after') return { boxShadow: `inset 0 -3px 0 ${color}` };
  if (zone === 'inside') return { outline: `2px dashed ${color}`, outlineOffset: -2, background: 'var(--mantine-color-indigo-0)' };
  return {};
}

/** One outline row: toggle, number, kind badge, title (or inline editor), process status. */
export const OutlineRow = memo(function OutlineRow(props: {
  node: TreeNode;
  top: number;
  selected: boolean;
  collapsed: boolean;
  hasChildren: boolean;
  editing: boolean;
  canWrite: boolean;
  drop: DropZone | null;
  handlers: RowHandlers;
  /** design-lint findings of this node (live) */
  lint?: readonly LintItem[];
}) {
  const { t } = useTranslation();
  const { node, handlers } = props;
  const zoneOf = (e: DragEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return dropZone(e.clientY - rect.top, rect.height);
  };
  return (
    <div
      role="treeitem"
      aria-selected={props.selected}
      aria-expanded={props.hasChildren ? !props.collapsed : undefined}
      aria-level={node.depth + 1}
      data-testid={`outline-row-${node.id}`}
      draggable={props.canWrite && !props.editing}
      onClick={() => handlers.select(node.id)}
      onDragStart={(e) => {
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', String(node.id));
        handlers.dragStart(node.id);
      }}
      onDragOver={(e) => {
        if (!props.canWrite) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        handlers.dragOver(node.id, zoneOf(e));
      }}
      onDrop={(e) => {
        e.preventDefault();
        handlers.drop(node.id, zoneOf(e));
      }}
      onDragEnd={handlers.dragEnd}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        height: ROW_HEIGHT,
        transform: `translateY(${props.top}px)`,
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        paddingLeft: 8 + node.depth * INDENT,
        paddingRight: 8,
        cursor: 'default',
        borderBottom: '1px solid var(--mantine-color-gray-1)',
        background: props.selected ? 'var(--mantine-color-indigo-1)' : undefined,
        ...dropStyle(props.drop),
      }}
    >
      <Box w={18} style={{ flexShrink: 0 }}>
        {props.hasChildren && (
          <UnstyledButton
            aria-label={t(props.collapsed ? 'outline.expand' : 'outline.collapse')}
            data-testid={`outline-toggle-${node.id}`}
            onClick={(e) => {
              e.stopPropagation();
              handlers.toggle(node.id);
            }}
            fz="xs"
            c="dimmed"
            w={18}
          >
            {props.collapsed ? '▶' : '▼'}
          </UnstyledButton>
        )}
      </Box>
      <Text span fw={600} size="sm" style={{ whiteSpace: 'nowrap', flexShrink: 0 }} data-testid={`outline-number-${node.id}`}>
        {node.number}
      </Text>
      <KindBadge kind={node.kind} />
      {props.editing ? (
        <RenameInput title={node.title} onSave={(title) => handlers.rename(node.id, title)} onCancel={handlers.cancelRename} />
      ) : (
        <Text
          span
          size="sm"
          truncate
          style={{ flex: 1, minWidth: 0 }}
          data-testid={`outline-title-${node.id}`}
          onDoubleClick={() => props.canWrite && handlers.startRename(node.id)}
        >
          {node.title}
        </Text>
      )}
      <LintDot items={props.lint} nodeId={node.id} />
      <StatusBadge status={node.status} />
    </div>
  );
});

/**
 * A shared control shown under a further host it is linked into: greyed, with its home number and
 * a "shared" mark; clicking it selects the real control.
 */
export const SharedControlRow = memo(function SharedControlRow(props: {
  control: TreeNode;
  hostId: number;
  top: number;
  depth: number;
  onSelect: (controlId: number) => void;
}) {
  const { t } = useTranslation();
  const { control } = props;
  return (
    <div
      role="treeitem"
      aria-selected={false}
      aria-level={props.depth + 1}
      data-testid={`outline-shared-${props.hostId}-${control.id}`}
      title={t('outline.sharedHint')}
      onClick={() => props.onSelect(control.id)}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        height: ROW_HEIGHT,
        transform: `translateY(${props.top}px)`,
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        paddingLeft: 8 + props.depth * INDENT + 26,
        paddingRight: 8,
        cursor: 'pointer',
        opacity: 0.6,
        fontStyle: 'italic',
        borderBottom: '1px solid var(--mantine-color-gray-1)',
      }}
    >
      <Text span fw={600} size="sm" style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
        {control.number}
      </Text>
      <KindBadge kind={control.kind} />
      <Badge size="xs" variant="outline" color="grape" tt="none" style={{ flexShrink: 0 }}>
        {t('matrix.sharedBadge')}
      </Badge>
      <Text span size="sm" truncate style={{ flex: 1, minWidth: 0 }}>
        {control.title}
      </Text>
    </div>
  );
});

function RenameInput({ title, onSave, onCancel }: { title: string; onSave: (title: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  return (
    <TextInput
      ref={ref}
      size="xs"
      style={{ flex: 1 }}
      defaultValue={title}
      aria-label={t('outline.rename')}
      data-testid="outline-title-input"
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') {
          const value = e.currentTarget.value.trim();
          if (value && value !== title) onSave(value);
          else onCancel();
        } else if (e.key === 'Escape') onCancel();
      }}
    />
  );
}

/** The inline "new item" row: kind select + title input (Enter saves, Esc cancels). */
export function PendingRow(props: {
  top: number;
  depth: number;
  kind: NodeKind;
  kinds: NodeKind[];
  saving: boolean;
  onKind: (kind: NodeKind) => void;
  onSave: (title: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div
      data-testid="outline-pending-row"
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        width: '100%',
        height: ROW_HEIGHT,
        transform: `translateY(${props.top}px)`,
        paddingLeft: 8 + props.depth * INDENT + 26,
        paddingRight: 8,
        display: 'flex',
        alignItems: 'center',
        background: 'var(--mantine-color-yellow-0)',
      }}
    >
      <Group gap={6} wrap="nowrap" style={{ flex: 1 }}>
        <Select
          size="xs"
          w={130}
          aria-label={t('outline.kind')}
          data-testid="outline-new-kind"
          data={props.kinds.map((k) => ({ value: k, label: t(`nodeKinds.${k}`) }))}
          value={props.kind}
          allowDeselect={false}
          onChange={(v) => v && props.onKind(v as NodeKind)}
          comboboxProps={{ withinPortal: true }}
        />
        <TextInput
          ref={ref}
          size="xs"
          style={{ flex: 1 }}
          placeholder={t('outline.newTitlePlaceholder')}
          aria-label={t('outline.titleLabel')}
          data-testid="outline-new-title"
          disabled={props.saving}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') {
              e.preventDefault();
              const value = e.currentTarget.value.trim();
              if (value) props.onSave(value);
            } else if (e.key === 'Escape') props.onCancel();
          }}
        />
      </Group>
    </div>
  );
}
