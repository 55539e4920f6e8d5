import { useMemo, useState } from 'react';
import { Alert, Badge, Box, Button, Card, FileButton, Group, List, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { useTRPC, type RouterOutputs } from '../../lib/trpc.ts';
import { notifyError } from '../../lib/errors.ts';
import { notifications } from '@mantine/notifications';
import { useManualId } from './ManualLayout.tsx';
import { KindBadge } from './OutlineRow.tsx';

type ImportResult = RouterOutputs['manual']['importText'];
type PreviewRow = ImportResult['preview'][number];

const col = gridColumnHelper<PreviewRow>();
const MAX_PREVIEW_ROWS = 500;

/** Flatten the parser's statistics (whatever they count) into label/value pairs. */
function statEntries(stats: unknown, prefix = ''): [string, string][] {
  if (stats == null || typeof stats !== 'object') return [];
  return Object.entries(stats as Record<string, unknown>).flatMap(([k, v]) =>
    v != null && typeof v === 'object' && !Array.isArray(v) ? statEntries(v, `${prefix}${k}.`) : [[`${prefix}${k}`, Array.isArray(v) ? v.join(', ') : String(v)] as [string, string]],
  );
}

/** /manuals/:id/import — paste or upload text, preview the outline, then save it into the manual. */
export function ImportPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const manualId = useManualId();
  const [text, setText] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [previewedText, setPreviewedText] = useState<string | null>(null);
  const run = useMutation(trpc.manual.importText.mutationOptions({ onError: notifyError }));

  const preview = async () => {
    const res = await run.mutateAsync({ manualId, text, dryRun: true });
    setResult(res);
    setPreviewedText(text);
  };
  const save = async () => {
    const res = await run.mutateAsync({ manualId, text, dryRun: false });
    await queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() });
    notifications.show({ color: 'teal', message: t('importPage.imported', { count: res.inserted }) });
    await navigate(`/manuals/${manualId}`);
  };
  const readFile = async (file: File | null) => {
    if (!file) return;
    setText(await file.text());
    setResult(null);
  };

  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('number', {
          header: 'outline.number',
          enableSorting: false,
          cell: (info) => (
            <Box pl={info.row.original.depth * 16} fw={600} style={{ whiteSpace: 'nowrap' }}>
              {info.getValue()}
            </Box>
          ),
        }),
        col.accessor('kind', { header: 'outline.kind', enableSorting: false, cell: (info) => <KindBadge kind={info.getValue()} /> }),
        col.accessor('title', { header: 'outline.titleLabel', enableSorting: false }),
        col.accessor('bodyLength', { header: 'importPage.bodyLength', enableSorting: false }),
      ]),
    [],
  );
  const stale = result != null && previewedText !== text;
  const noStructure = result != null && (result.format === 'none' || result.preview.length === 0);
  const stats = result ? statEntries(result.stats) : [];

  return (
    <Stack>
      <Title order={4}>{t('importPage.title')}</Title>
      <Textarea
        label={t('importPage.text')}
        placeholder={t('importPage.textPlaceholder')}
        rows={12}
        resize="vertical"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        data-testid="import-text"
      />
      <Group>
        <FileButton onChange={(f) => void readFile(f)} accept=".txt,text/plain">
          {(props) => (
            <Button variant="default" {...props} data-testid="import-file">
              {t('importPage.file')}
            </Button>
          )}
        </FileButton>
        <Button onClick={() => void preview()} disabled={!text.trim()} loading={run.isPending && run.variables?.dryRun} data-testid="import-preview">
          {t('importPage.preview')}
        </Button>
        <Button
          color="teal"
          onClick={() => void save()}
          disabled={!result || stale || noStructure}
          loading={run.isPending && run.variables?.dryRun === false}
          data-testid="import-save"
        >
          {t('importPage.save')}
        </Button>
      </Group>
      {result && (
        <Card withBorder data-testid="import-result">
          <Group gap="sm" mb="sm">
            <Text fw={600}>{t('importPage.format')}:</Text>
            <Badge color={result.format === 'none' ? 'red' : 'teal'} variant="light" tt="none" data-testid="import-format">
              {t(`importPage.formats.${result.format}`)}
            </Badge>
            {stats.map(([k, v]) => (
              <Badge key={k} variant="outline" color="gray" tt="none">
                {t(`importPage.statKeys.${k}`, { defaultValue: k })}: {v}
              </Badge>
            ))}
          </Group>
          {noStructure && (
            <Alert color="orange" mb="sm" data-testid="import-no-structure">
              {t('importPage.noStructure')}
            </Alert>
          )}
          {result.warnings.length > 0 && (
            <Alert color="yellow" title={t('importPage.warnings')} mb="sm" data-testid="import-warnings">
              <List size="sm">
                {result.warnings.map((w, i) => (
                  <List.Item key={i}>{t(w.key, w.params)}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          {!noStructure && (
            <>
              <Title order={5} mb="xs">
                {t('importPage.previewTitle')}
              </Title>
              {result.preview.length > MAX_PREVIEW_ROWS && (
                <Text size="sm" c="dimmed" mb="xs">
                  {t('importPage.showingFirst', { shown: MAX_PREVIEW_ROWS, total: result.preview.length })}
                </Text>
              )}
              <DataGrid testId="import-preview-grid" data={result.preview.slice(0, MAX_PREVIEW_ROWS)} columns={columns} />
            </>
          )}
        </Card>
      )}
    </Stack>
  );
}
