import { useMemo, useState } from 'react';
import { Button, Code, Group, Modal, SimpleGrid, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import type { TrailRow } from '../../lib/org-types.ts';
import { TrailFilters, useCatalogLabel, type TrailFilter } from './TrailFilters.tsx';

const col = gridColumnHelper<TrailRow>();
const PAGE_SIZE = 100;

/** Module-level so TanStack Query keeps the combined result stable between renders. */
function combinePages(pages: { data?: { rows: TrailRow[]; nextBeforeId: number | null }; isPending: boolean }[]) {
  return {
    rows: pages.flatMap((p) => p.data?.rows ?? []),
    nextBeforeId: pages[pages.length - 1]?.data?.nextBeforeId ?? null,
    loading: pages.some((p) => p.isPending),
  };
}

/** The CSV download of everything matching the filter (server/http/admin-routes.ts). */
function exportUrl(filter: TrailFilter): string {
  const params = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const query = params.toString();
  return `/api/admin/trail.csv${query ? `?${query}` : ''}`;
}

function formatTime(iso: string, locale: string) {
  return new Date(iso).toLocaleString(locale);
}

function TrailDetail({ row, onClose }: { row: TrailRow; onClose: () => void }) {
  const { t } = useTranslation();
  const json = (value: unknown) => (value == null ? '—' : JSON.stringify(value, null, 2));
  return (
    <Modal opened onClose={onClose} title={t('trail.detailTitle', { id: row.id })} size="xl" centered>
      <SimpleGrid cols={2}>
        <div>
          <Text fw={600} mb={4}>
            {t('trail.before')}
          </Text>
          <Code block data-testid="trail-before">
            {json(row.before)}
          </Code>
        </div>
        <div>
          <Text fw={600} mb={4}>
            {t('trail.after')}
          </Text>
          <Code block data-testid="trail-after">
            {json(row.after)}
          </Code>
        </div>
      </SimpleGrid>
    </Modal>
  );
}

export function TrailPage() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const label = useCatalogLabel();
  const [filter, setFilter] = useState<TrailFilter>({});
  // keyset paging: one query per loaded page, each starting below the previous page's last id
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [detail, setDetail] = useState<TrailRow | null>(null);
  const { rows, nextBeforeId, loading } = useQueries({
    queries: cursors.map((beforeId) =>
      trpc.trail.list.queryOptions({ ...filter, ...(beforeId ? { beforeId } : {}), limit: PAGE_SIZE }),
    ),
    combine: combinePages,
  });

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('at', { header: 'trail.at', cell: (info) => formatTime(info.getValue(), i18n.language) }),
        col.accessor('actor', { header: 'trail.actor' }),
        col.accessor((r) => label('entities', r.entity), { id: 'entity', header: 'trail.entity' }),
        col.accessor('entityId', { header: 'trail.entityId' }),
        col.accessor((r) => label('actions', r.action), { id: 'action', header: 'trail.action' }),
        col.display({
          id: 'actions',
          header: 'common.details',
          cell: ({ row }) => (
            <Button size="compact-xs" variant="light" onClick={() => setDetail(row.original)} data-testid="trail-detail">
              {t('common.details')}
            </Button>
          ),
        }),
      ]),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- label() is a new function each render, reading the same t
    [t, i18n.language], // label() reads the same t

  );

  return (
    <div>
      <Group justify="space-between" align="flex-start">
        <PageTitle>{t('trail.title')}</PageTitle>
        <Button component="a" variant="default" href={exportUrl(filter)} download data-testid="trail-export">
          {t('trail.export')}
        </Button>
      </Group>
      <TrailFilters
        onApply={(f) => {
          setFilter(f);
          setCursors([undefined]);
        }}
      />
      <DataGrid
        testId="trail-grid"
        data={rows}
        columns={columns}
        getRowId={(r) => String(r.id)}
        loading={loading}
        footer={
          nextBeforeId != null && (
            <Button variant="default" size="xs" onClick={() => setCursors((c) => [...c, nextBeforeId])} data-testid="load-more">
              {t('common.loadMore')}
            </Button>
          )
        }
      />
      {detail && <TrailDetail row={detail} onClose={() => setDetail(null)} />}
    </div>
  );
}
