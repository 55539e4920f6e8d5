import { useMemo } from 'react';
import { Anchor, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { useTRPC, type RouterOutputs } from '../../lib/trpc.ts';
import { useManualId } from './ManualLayout.tsx';

type Report = RouterOutputs['manual']['references'];
type Dangling = Report['dangling'][number];
type Placeholder = Report['placeholders'][number];
type Regulation = Report['regulations'][number];
const dcol = gridColumnHelper<Dangling>();
const pcol = gridColumnHelper<Placeholder>();
const rcol = gridColumnHelper<Regulation>();

function NodeLink({ manualId, nodeId, children }: { manualId: number; nodeId: number; children: React.ReactNode }) {
  return (
    <Anchor component={Link} to={`/manuals/${manualId}?node=${nodeId}`} size="sm" data-testid={`ref-link-${nodeId}`}>
      {children}
    </Anchor>
  );
}

/** /manuals/:id/references — dangling references, open placeholders, external regulations cited. */
export function ReferencesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const manualId = useManualId();
  const report = useQuery(trpc.manual.references.queryOptions({ manualId }));
  const data = report.data;

  const danglingCols = useMemo(
    () =>
      dcol.columns([
        dcol.accessor('sourceNumber', {
          header: 'references.source',
          cell: (info) => (
            <NodeLink manualId={manualId} nodeId={info.row.original.sourceId}>
              {info.getValue()} {info.row.original.sourceTitle}
            </NodeLink>
          ),
        }),
        dcol.accessor('targetId', { header: 'references.target', cell: (info) => `#${info.getValue()}` }),
      ]),
    [manualId],
  );
  const placeholderCols = useMemo(
    () =>
      pcol.columns([
        pcol.accessor('number', {
          header: 'outline.number',
          cell: (info) => (
            <NodeLink manualId={manualId} nodeId={info.row.original.nodeId}>
              {info.getValue()}
            </NodeLink>
          ),
        }),
        pcol.accessor('title', { header: 'outline.titleLabel' }),
        pcol.accessor('excerpt', { header: 'references.excerpt' }),
      ]),
    [manualId],
  );
  const regulationCols = useMemo(
    () =>
      rcol.columns([
        rcol.accessor('name', { header: 'references.regulation', cell: (info) => `《${info.getValue()}》` }),
        rcol.accessor((r) => r.citedBy.map((c) => c.number).join(' '), {
          id: 'citedBy',
          header: 'references.citedBy',
          cell: (info) => (
            <Group gap={6}>
              {info.row.original.citedBy.map((c) => (
                <NodeLink key={c.nodeId} manualId={manualId} nodeId={c.nodeId}>
                  {c.number}
                </NodeLink>
              ))}
            </Group>
          ),
        }),
      ]),
    [manualId],
  );

  return (
    <Stack>
      <Card withBorder>
        <Title order={5}>{t('references.dangling')}</Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('references.danglingHint')}
        </Text>
        <DataGrid testId="dangling-grid" data={data?.dangling ?? []} columns={danglingCols} loading={report.isPending} />
      </Card>
      <Card withBorder>
        <Title order={5} mb="sm">
          {t('references.placeholders')}
        </Title>
        <DataGrid testId="placeholders-grid" data={data?.placeholders ?? []} columns={placeholderCols} loading={report.isPending} />
      </Card>
      <Card withBorder>
        <Title order={5} mb="sm">
          {t('references.regulations')}
        </Title>
        <DataGrid testId="regulations-grid" data={data?.regulations ?? []} columns={regulationCols} getRowId={(r) => r.name} loading={report.isPending} />
      </Card>
    </Stack>
  );
}
