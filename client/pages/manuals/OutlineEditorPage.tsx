import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, Box, Button, Center, Group, Loader, Modal, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { NodeKind } from '../../../shared/outline.ts';
import type { Placement } from '../../../shared/manual.ts';
import { useTRPC, isAppError } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { notifyError, notifySuccess } from '../../lib/errors.ts';
import { useManualId } from './ManualLayout.tsx';
import { NodePanel } from './NodePanel.tsx';
import { UndoButtons, undoKey, useOutlineUndo } from './OutlineUndo.tsx';
import { OutlineRow, PendingRow, ROW_HEIGHT, SharedControlRow, type RowHandlers } from './OutlineRow.tsx';
import { liveDesign } from './controls/matrix-data.ts';
import { useMatrix } from './controls/use-control-mutations.ts';
import {
  ancestorsOf,
  defaultChildKind,
  endOfSubtree,
  indexOutline,
  kindsUnder,
  parentKindOf,
  siblingOf,
  visibleNodes,
  withSharedRows,
  depthOf,
  type DisplayRow,
  type DropZone,
  type TreeNode,
} from './outline-tree.ts';

type Pending = { mode: 'sibling' | 'before' | 'child'; anchorId: number; kind: NodeKind } | { mode: 'root'; anchorId: null; kind: NodeKind };
const NO_NODES: TreeNode[] = [];
const NO_LINKS: { controlId: number; hostId: number }[] = [];

/** /manuals/:id — the virtualised, keyboard- and drag-editable numbered outline with a side panel. */
export function OutlineEditorPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const manualId = useManualId();
  const canWrite = useCan('manual.write');
  const [searchParams] = useSearchParams();
  const tree = useQuery(trpc.manual.tree.queryOptions({ manualId }));
  const nodes = tree.data?.nodes ?? NO_NODES;
  const index = useMemo(() => indexOutline(nodes), [nodes]);
  const links = tree.data?.links ?? NO_LINKS;
  const linked = useMemo(() => {
    const byHost = new Map<number, TreeNode[]>();
    for (const l of links) {
      const control = index.byId.get(l.controlId);
      if (!control || !index.byId.has(l.hostId)) continue;
      const list = byHost.get(l.hostId);
      if (list) list.push(control);
      else byHost.set(l.hostId, [control]);
    }
    return byHost;
  }, [links, index]);
  // design lint, live from the control matrix (the same pure function the server runs)
  const matrix = useMatrix(manualId);
  const lintByNode = useMemo(() => (matrix.data ? liveDesign(matrix.data).lintByNode : null), [matrix.data]);

  const [collapsed, setCollapsed] = useState<Set<number>>(() => new Set());
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [editingId, setEditingId] = useState<number | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [drop, setDrop] = useState<{ id: number; zone: DropZone } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<{ nodeId: number; message: string } | null>(null);
  const dragId = useRef<number | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const wantScroll = useRef(false);

  const visible = useMemo(() => visibleNodes(nodes, collapsed), [nodes, collapsed]);
  const rows = useMemo<DisplayRow[]>(() => {
    const out = withSharedRows(visible, collapsed, linked);
    if (!pending) return out;
    if (pending.mode === 'root') {
      out.push({ type: 'pending', depth: 0 });
      return out;
    }
    const at = out.findIndex((r) => r.type === 'node' && r.node.id === pending.anchorId);
    if (at < 0) return out;
    const anchorDepth = depthOf(out[at]!);
    if (pending.mode === 'before') {
      out.splice(at, 0, { type: 'pending', depth: anchorDepth });
      return out;
    }
    let end = at + 1;
    while (end < out.length && depthOf(out[end]!) > anchorDepth) end++;
    out.splice(end, 0, { type: 'pending', depth: pending.mode === 'child' ? anchorDepth + 1 : anchorDepth });
    return out;
  }, [visible, collapsed, linked, pending]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });

  // ── mutations ───────────────────────────────────────────────
  // the control matrix (lint, numbers) follows every outline change
  const refresh = useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.controls.pathKey() }),
      ]),
    [queryClient, trpc],
  );
  const opts = { onSuccess: refresh, onError: notifyError };
  const insert = useMutation(trpc.manual.insert.mutationOptions({ onError: notifyError }));
  const move = useMutation(trpc.manual.move.mutationOptions(opts));
  const indent = useMutation(trpc.manual.indent.mutationOptions(opts));
  const outdent = useMutation(trpc.manual.outdent.mutationOptions(opts));
  const update = useMutation(trpc.manual.updateNode.mutationOptions(opts));
  const remove = useMutation(trpc.manual.deleteNode.mutationOptions());
  const focusTree = () => requestAnimationFrame(() => scrollRef.current?.focus({ preventScroll: true }));
  // undo/redo run on the server; afterwards the outline is refetched and the node they were about selected
  const undo = useOutlineUndo(manualId, canWrite, async (nodeId) => {
    await refresh();
    if (nodeId != null) reveal(nodeId);
    focusTree();
  });
  const busy = insert.isPending || move.isPending || indent.isPending || outdent.isPending || remove.isPending || undo.busy;
  /** A toolbar button's action, then the keyboard focus back on the tree so shortcuts keep working. */
  const thenFocus = (action: () => void) => () => {
    action();
    focusTree();
  };
  const selectAndScroll = (id: number | null) => {
    wantScroll.current = true;
    setSelectedId(id);
  };

  /** Expand a node's ancestors and select it (deep links, shared-control rows). */
  const reveal = useCallback(
    (id: number) => {
      if (!index.byId.has(id)) return;
      const up = ancestorsOf(index, id);
      setCollapsed((prev) => (up.some((a) => prev.has(a)) ? new Set([...prev].filter((c) => !up.includes(c))) : prev));
      selectAndScroll(id);
    },
    [index],
  );

  // deep link ?node=ID: expand its ancestors and select it
  const deepLink = Number(searchParams.get('node')) || null;
  useEffect(() => {
    if (deepLink != null) reveal(deepLink);
  }, [deepLink, reveal]);

  useEffect(() => {
    if (!wantScroll.current || selectedId == null) return;
    const i = rows.findIndex((r) => r.type === 'node' && r.node.id === selectedId);
    if (i >= 0) {
      wantScroll.current = false;
      virtualizer.scrollToIndex(i, { align: 'auto' });
    }
  }, [rows, selectedId, virtualizer]);

  const selected = selectedId == null ? undefined : index.byId.get(selectedId);
  // the side panel follows the selection at lower priority: arrowing through rows stays instant
  const panelNode = useDeferredValue(selected);

  const startInsert = (mode: 'sibling' | 'before' | 'child' | 'root') => {
    if (!canWrite) return;
    if (mode === 'root' || !selected) {
      setPending({ mode: 'root', anchorId: null, kind: 'chapter' });
      return;
    }
    if (mode === 'child') {
      const kind = defaultChildKind(selected.kind);
      if (!kind) return;
      setCollapsed((prev) => (prev.has(selected.id) ? new Set([...prev].filter((c) => c !== selected.id)) : prev));
      setPending({ mode: 'child', anchorId: selected.id, kind });
    } else {
      setPending({ mode, anchorId: selected.id, kind: selected.kind });
    }
  };

  const pendingKinds = (p: Pending): NodeKind[] => {
    if (p.mode === 'root') return kindsUnder(null);
    const anchor = index.byId.get(p.anchorId);
    if (!anchor) return [];
    return p.mode === 'child' ? kindsUnder(anchor.kind) : kindsUnder(parentKindOf(index, anchor));
  };

  const savePending = async (title: string) => {
    if (!pending) return;
    const placement: Placement =
      pending.mode === 'root'
        ? { relation: 'root_end' }
        : { relation: pending.mode === 'child' ? 'inside_end' : pending.mode === 'before' ? 'before' : 'after', targetId: pending.anchorId };
    try {
      const row = await insert.mutateAsync({ manualId, placement, node: { kind: pending.kind, title } });
      await refresh();
      setPending(null);
      selectAndScroll(row.id);
      focusTree();
    } catch {
      // notified by onError; the input stays for a correction
    }
  };

  const moveBy = (offset: -1 | 1) => {
    if (!selected) return;
    const sib = siblingOf(index, selected.id, offset);
    if (!sib) return;
    wantScroll.current = true;
    move.mutate({ nodeId: selected.id, placement: { relation: offset < 0 ? 'before' : 'after', targetId: sib.id } });
  };

  const doDelete = async (nodeId: number, confirm: boolean) => {
    // an item with text asks first too (the server asks for sub-items and references)
    const node = index.byId.get(nodeId);
    if (!confirm && node && node.body.trim() && !index.hasChildren.has(nodeId)) {
      // referenced items get the server's question, which names the referrers
      const referrers = await queryClient.fetchQuery(trpc.manual.referrers.queryOptions({ nodeId })).catch(() => []);
      if (!referrers.length) {
        setConfirmDelete({ nodeId, message: t('outline.confirmDeleteBody', { title: node.title }) });
        return;
      }
    }
    const at = visible.findIndex((n) => n.id === nodeId);
    const end = at >= 0 ? endOfSubtree(visible, at) : -1;
    const next = at >= 0 ? (visible[end] ?? visible[at - 1]) : undefined;
    try {
      await remove.mutateAsync({ nodeId, confirm });
      setConfirmDelete(null);
      await refresh();
      notifySuccess('common.deleted');
      selectAndScroll(next?.id ?? null);
      focusTree();
    } catch (err) {
      if (!confirm && isAppError(err) && err.data?.code === 'PRECONDITION_FAILED') setConfirmDelete({ nodeId, message: err.message });
      else notifyError(err);
    }
  };

  // ── row handlers (stable: rows are memoised) ────────────────
  const live = useRef({ index, update, move, setDrop });
  live.current = { index, update, move, setDrop };
  const handlers = useMemo<RowHandlers>(
    () => ({
      select: (id) => setSelectedId(id),
      toggle: (id) =>
        setCollapsed((prev) => {
          const next = new Set(prev);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        }),
      startRename: (id) => {
        setSelectedId(id);
        setEditingId(id);
      },
      rename: (id, title) => {
        live.current.update.mutate({ nodeId: id, data: { title } });
        setEditingId(null);
        focusTree();
      },
      cancelRename: () => {
        setEditingId(null);
        focusTree();
      },
      dragStart: (id) => {
        dragId.current = id;
        setSelectedId(id);
      },
      dragOver: (id, zone) => {
        if (dragId.current == null || dragId.current === id) return live.current.setDrop(null);
        live.current.setDrop((prev) => (prev?.id === id && prev.zone === zone ? prev : { id, zone }));
      },
      drop: (id, zone) => {
        const source = dragId.current;
        dragId.current = null;
        live.current.setDrop(null);
        if (source == null || source === id) return;
        wantScroll.current = true;
        live.current.move.mutate({ nodeId: source, placement: { relation: zone === 'inside' ? 'inside_end' : zone, targetId: id } });
      },
      dragEnd: () => {
        dragId.current = null;
        live.current.setDrop(null);
      },
    }),
    [],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // typing in an input inside the tree
    const at = selected ? visible.findIndex((n) => n.id === selected.id) : -1;
    const go = (i: number) => {
      const n = visible[Math.max(0, Math.min(visible.length - 1, i))];
      if (n) selectAndScroll(n.id);
    };
    const key = e.key;
    if (key === 'ArrowDown' && !e.altKey) go(at + 1);
    else if (key === 'ArrowUp' && !e.altKey) go(at < 0 ? 0 : at - 1);
    else if (key === 'Home') go(0);
    else if (key === 'End') go(visible.length - 1);
    else if (key === 'ArrowRight' && selected && collapsed.has(selected.id)) handlers.toggle(selected.id);
    else if (key === 'ArrowLeft' && selected) {
      if (index.hasChildren.has(selected.id) && !collapsed.has(selected.id)) handlers.toggle(selected.id);
      else if (selected.parentId != null) selectAndScroll(selected.parentId);
    } else if (!canWrite || busy) return;
    else if (undoKey(e)) void undo.run(undoKey(e)!);
    else if (key === 'Enter' && e.shiftKey) startInsert('before');
    else if (key === 'Enter') startInsert('sibling');
    else if (key === 'Tab' && selected) (e.shiftKey ? outdent : indent).mutate({ nodeId: selected.id });
    else if (key === 'ArrowUp' && e.altKey) moveBy(-1);
    else if (key === 'ArrowDown' && e.altKey) moveBy(1);
    else if ((key === 'Delete' || key === 'Backspace') && selected) void doDelete(selected.id, false);
    else if (key === 'F2' && selected) handlers.startRename(selected.id);
    else return;
    e.preventDefault();
  };

  if (tree.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (tree.isError) return <Alert color="red">{tree.error.message}</Alert>;

  const canAddChild = !!selected && defaultChildKind(selected.kind) != null;
  return (
    <div>
      {canWrite ? (
        <Group gap="xs" mb="xs" wrap="wrap" data-testid="outline-toolbar">
          <UndoButtons undo={undo} />
          <Tooltip label={t('outline.addSiblingTip')}>
            <Button size="compact-sm" variant="light" onClick={() => startInsert('sibling')} aria-label={t('outline.addSibling')} data-testid="outline-add-sibling">
              {t('outline.addSibling')}
            </Button>
          </Tooltip>
          <Tooltip label={t('outline.addBeforeTip')}>
            <Button size="compact-sm" variant="light" disabled={!selected} onClick={() => startInsert('before')} aria-label={t('outline.addBefore')} data-testid="outline-add-before">
              {t('outline.addBefore')}
            </Button>
          </Tooltip>
          <Button size="compact-sm" variant="light" disabled={!canAddChild} onClick={() => startInsert('child')} aria-label={t('outline.addChild')} data-testid="outline-add-child">
            {t('outline.addChild')}
          </Button>
          <Button size="compact-sm" variant="default" disabled={!selected || busy} onClick={thenFocus(() => selected && indent.mutate({ nodeId: selected.id }))} aria-label={t('outline.indent')} data-testid="outline-indent">
            {t('outline.indent')} ⇥
          </Button>
          <Button size="compact-sm" variant="default" disabled={!selected || busy} onClick={thenFocus(() => selected && outdent.mutate({ nodeId: selected.id }))} aria-label={t('outline.outdent')} data-testid="outline-outdent">
            ⇤ {t('outline.outdent')}
          </Button>
          <Button size="compact-sm" variant="default" disabled={!selected || busy} onClick={thenFocus(() => moveBy(-1))} aria-label={t('outline.moveUp')} data-testid="outline-move-up">
            ↑
          </Button>
          <Button size="compact-sm" variant="default" disabled={!selected || busy} onClick={thenFocus(() => moveBy(1))} aria-label={t('outline.moveDown')} data-testid="outline-move-down">
            ↓
          </Button>
          <Button size="compact-sm" variant="light" color="red" disabled={!selected || busy} onClick={() => selected && void doDelete(selected.id, false)} aria-label={t('outline.delete')} data-testid="outline-delete">
            {t('outline.delete')}
          </Button>
          <Box style={{ flex: 1 }} />
          <Button size="compact-sm" variant="subtle" onClick={thenFocus(() => setCollapsed(new Set()))} data-testid="outline-expand-all">
            {t('outline.expandAll')}
          </Button>
          <Button size="compact-sm" variant="subtle" onClick={thenFocus(() => setCollapsed(new Set(index.hasChildren)))} data-testid="outline-collapse-all">
            {t('outline.collapseAll')}
          </Button>
        </Group>
      ) : (
        <Alert color="gray" py={6} mb="xs" data-testid="outline-readonly">
          {t('outline.readOnly')}
        </Alert>
      )}
      <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <div
            ref={scrollRef}
            role="tree"
            tabIndex={0}
            aria-label={t('manuals.tabs.outline')}
            data-testid="outline-tree"
            onKeyDown={onKeyDown}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDrop(null);
            }}
            style={{
              height: 'calc(100vh - 250px)',
              minHeight: 300,
              overflow: 'auto',
              border: '1px solid var(--mantine-color-gray-3)',
              borderRadius: 4,
              outline: 'none',
              position: 'relative',
            }}
          >
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = rows[item.index]!;
                if (row.type === 'pending') {
                  return (
                    <PendingRow
                      key="pending"
                      top={item.start}
                      depth={row.depth}
                      kind={pending!.kind}
                      kinds={pendingKinds(pending!)}
                      saving={insert.isPending}
                      onKind={(kind) => setPending((p) => (p ? ({ ...p, kind } as Pending) : p))}
                      onSave={(title) => void savePending(title)}
                      onCancel={() => {
                        setPending(null);
                        focusTree();
                      }}
                    />
                  );
                }
                if (row.type === 'shared') {
                  return (
                    <SharedControlRow
                      key={`shared-${row.hostId}-${row.control.id}`}
                      control={row.control}
                      hostId={row.hostId}
                      top={item.start}
                      depth={row.depth}
                      onSelect={reveal}
                    />
                  );
                }
                const n = row.node;
                return (
                  <OutlineRow
                    key={n.id}
                    node={n}
                    top={item.start}
                    selected={n.id === selectedId}
                    collapsed={collapsed.has(n.id)}
                    hasChildren={index.hasChildren.has(n.id)}
                    editing={n.id === editingId}
                    canWrite={canWrite}
                    drop={drop?.id === n.id ? drop.zone : null}
                    handlers={handlers}
                    lint={lintByNode?.get(n.id)}
                  />
                );
              })}
            </div>
            {nodes.length === 0 && !pending && (
              <Center py="xl" style={{ flexDirection: 'column', gap: 12 }}>
                <Text c="dimmed">{t('outline.empty')}</Text>
                {canWrite && (
                  <Button onClick={() => startInsert('root')} data-testid="outline-add-first">
                    {t('outline.addFirst')}
                  </Button>
                )}
              </Center>
            )}
          </div>
          <Group justify="space-between" mt={4}>
            <Text size="xs" c="dimmed" data-testid="outline-count">
              {t('outline.nodeCount', { count: nodes.length })}
            </Text>
            {canWrite && (
              <Text size="xs" c="dimmed" visibleFrom="md">
                {t('outline.keyboardHint')}
              </Text>
            )}
          </Group>
        </div>
        <div style={{ width: 420, flexShrink: 0, maxHeight: 'calc(100vh - 230px)', overflow: 'auto' }}>
          {panelNode ? (
            <NodePanel node={panelNode} index={index} canWrite={canWrite} lint={lintByNode?.get(panelNode.id)} />
          ) : (
            <Text c="dimmed" size="sm" p="md">
              {t('outline.selectHint')}
            </Text>
          )}
        </div>
      </div>
      <Modal opened={confirmDelete != null} onClose={() => { setConfirmDelete(null); focusTree(); }} title={t('outline.confirmDeleteTitle')} centered>
        <Text mb="md" data-testid="delete-confirm-message">
          {confirmDelete?.message}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => { setConfirmDelete(null); focusTree(); }}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={remove.isPending} data-testid="confirm-delete" onClick={() => confirmDelete && void doDelete(confirmDelete.nodeId, true)}>
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </div>
  );
}
