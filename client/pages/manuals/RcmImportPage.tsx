import { useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Box, Button, Card, FileButton, Group, Progress, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useCan } from '../../lib/session.tsx';
import { uploadFile, UploadFailure } from '../../lib/upload.ts';
import { currentLocale } from '../../i18n/index.ts';
import { rcmExportUrl, rcmImportUrl, RCM_IMPORT_MAX_MB, type RcmImportResult, type RcmPreviewItem, type RcmRowError } from '../../../shared/rcm.ts';
import type { Locale } from '../../../shared/auth.ts';
import { useManualId } from './ManualLayout.tsx';
import { KindBadge } from './OutlineRow.tsx';

const itemCol = gridColumnHelper<RcmPreviewItem>();
const errorCol = gridColumnHelper<RcmRowError>();

interface ProgressLine {
  phase?: string;
  bytes?: number;
  rows?: number;
  done?: number;
  total?: number;
}

/**
 * /manuals/:id/rcm — the control matrix as Excel: download it, or upload an .xlsx (Chinese or
 * English headers), check it (every row-level error shown), then import it into this manual in
 * one go. Large files stream with progress.
 */
export function RcmImportPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const manualId = useManualId();
  const canWrite = useCan('manual.write');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<RcmImportResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [progress, setProgress] = useState<ProgressLine | null>(null);
  const [lang, setLang] = useState<Locale>(currentLocale());

  async function send(dryRun: boolean) {
    if (!file) return;
    setFailure(null);
    setProgress({ phase: 'upload', bytes: 0 });
    try {
      const url = `${rcmImportUrl(manualId)}?dryRun=${dryRun ? 1 : 0}&name=${encodeURIComponent(file.name)}`;
      const res = await uploadFile<RcmImportResult>(url, file, (line) => setProgress(line as ProgressLine));
      setResult(res);
      if (res.committed) {
        await queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.controls.pathKey() });
        notifications.show({ color: 'teal', message: t('rcmImportPage.imported', { count: res.inserted }) });
      }
    } catch (err) {
      setResult(null);
      setFailure(err instanceof UploadFailure || err instanceof Error ? err.message : String(err));
    } finally {
      setProgress(null);
    }
  }

  const itemColumns = useMemo(
    () =>
      itemCol.columns([
        itemCol.accessor('rowNo', { header: 'rcmImportPage.row', size: 70 }),
        itemCol.accessor('number', {
          header: 'rcm.columns.number',
          enableSorting: false,
          cell: (info) => (
            <Box pl={info.row.original.depth * 16} fw={600} style={{ whiteSpace: 'nowrap' }}>
              {info.getValue()}
            </Box>
          ),
        }),
        itemCol.accessor('kind', { header: 'rcmImportPage.kind', enableSorting: false, size: 120, cell: (info) => <KindBadge kind={info.getValue()} /> }),
        itemCol.accessor('title', {
          header: 'rcmImportPage.title',
          enableSorting: false,
          cell: (info) => (
            <Group gap={6} wrap="nowrap">
              <span>{info.getValue()}</span>
              {info.row.original.implied && (
                <Badge size="xs" variant="outline" color="gray">
                  {t('rcmImportPage.implied')}
                </Badge>
              )}
            </Group>
          ),
        }),
        itemCol.accessor('isKey', { header: 'rcm.columns.key', enableSorting: false, cell: (info) => (info.getValue() == null ? '' : t(info.getValue() ? 'rcm.keyWord' : 'rcm.generalWord')) }),
        itemCol.accessor('weight', { header: 'rcm.columns.weight', enableSorting: false, cell: (info) => info.getValue() ?? (info.row.original.kind === 'control' ? t('rcmImportPage.defaultWeight') : '') }),
        itemCol.accessor('frequency', { header: 'rcm.columns.frequency', enableSorting: false, cell: (info) => (info.getValue() ? t(`frequencies.${info.getValue()}`) : '') }),
        itemCol.accessor('evidenceCount', { header: 'rcm.columns.evidence', enableSorting: false, cell: (info) => (info.row.original.kind === 'control' ? info.getValue() : '') }),
        itemCol.accessor('inspectionCount', { header: 'rcm.columns.inspection', enableSorting: false, cell: (info) => (info.row.original.kind === 'control' ? info.getValue() : '') }),
        itemCol.accessor('alsoIn', { header: 'rcm.columns.alsoIn', enableSorting: false, cell: (info) => info.getValue().join(', ') }),
      ]),
    [t],
  );
  const errorColumns = useMemo(
    () =>
      errorCol.columns([
        errorCol.accessor('rowNo', { header: 'rcmImportPage.row', size: 70 }),
        errorCol.accessor('field', { header: 'rcmImportPage.column', cell: (info) => (info.getValue() ? t(`rcm.columns.${info.getValue()}`) : '—') }),
        errorCol.accessor('message', { header: 'rcmImportPage.message', enableSorting: false }),
      ]),
    [t],
  );

  const busy = progress != null;
  const percent =
    progress?.phase === 'upload' && file ? Math.min(100, ((progress.bytes ?? 0) / file.size) * 100) : progress?.phase === 'write' && progress.total ? ((progress.done ?? 0) / progress.total) * 100 : 100;

  return (
    <Stack>
      <Card withBorder>
        <Group justify="space-between">
          <div>
            <Title order={5}>{t('rcmImportPage.exportTitle')}</Title>
            <Text size="sm" c="dimmed">
              {t('rcmImportPage.exportHint')}
            </Text>
          </div>
          <Group gap="xs">
            <SegmentedControl
              size="xs"
              value={lang}
              onChange={(v) => setLang(v as Locale)}
              data={[
                { value: 'zh-CN', label: t('language.chinese') },
                { value: 'en', label: t('language.english') },
              ]}
            />
            <Button component="a" href={rcmExportUrl(manualId, lang)} download size="xs" variant="light" data-testid="rcm-export">
              {t('rcmImportPage.export')}
            </Button>
          </Group>
        </Group>
      </Card>

      {canWrite && (
        <Card withBorder>
          <Stack>
            <div>
              <Title order={5}>{t('rcmImportPage.importTitle')}</Title>
              <Text size="sm" c="dimmed">
                {t('rcmImportPage.importHint', { max: RCM_IMPORT_MAX_MB })}
              </Text>
            </div>
            <Group>
              <FileButton
                accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(f) => {
                  setFile(f);
                  setResult(null);
                  setFailure(null);
                }}
              >
                {(props) => (
                  <Button {...props} variant="default" disabled={busy} data-testid="rcm-file">
                    {t('rcmImportPage.choose')}
                  </Button>
                )}
              </FileButton>
              <Text size="sm" data-testid="rcm-file-name">
                {file ? `${file.name} (${(file.size / 1024).toFixed(0)} KB)` : t('rcmImportPage.noFile')}
              </Text>
              <Button onClick={() => void send(true)} disabled={!file || busy} data-testid="rcm-check">
                {t('rcmImportPage.check')}
              </Button>
              <Button color="teal" onClick={() => void send(false)} disabled={!file || busy || !result || result.errorCount > 0 || result.committed} data-testid="rcm-commit">
                {t('rcmImportPage.commit')}
              </Button>
            </Group>
            {busy && (
              <div data-testid="rcm-progress">
                <Progress value={percent} animated={progress.phase !== 'upload'} />
                <Text size="xs" c="dimmed">
                  {t(`rcmImportPage.phases.${progress.phase ?? 'upload'}`, { rows: progress.rows ?? 0, done: progress.done ?? 0, total: progress.total ?? 0 })}
                </Text>
              </div>
            )}
            {failure && (
              <Alert color="red" data-testid="rcm-failure">
                {failure}
              </Alert>
            )}
          </Stack>
        </Card>
      )}

      {result && (
        <Stack data-testid="rcm-result">
          <Alert color={result.errorCount ? 'red' : result.committed ? 'teal' : 'blue'}>
            {result.errorCount
              ? result.message
              : t(result.committed ? 'rcmImportPage.done' : 'rcmImportPage.ready', {
                  rows: result.rows,
                  processes: result.counts.processes,
                  steps: result.counts.steps,
                  controls: result.counts.controls,
                  links: result.counts.links,
                })}
          </Alert>
          {result.errors.length > 0 && (
            <>
              <Title order={5}>{t('rcmImportPage.errors', { count: result.errorCount })}</Title>
              <DataGrid data={result.errors} columns={errorColumns} getRowId={(e) => `${e.rowNo}-${e.field}-${e.message}`} testId="rcm-errors" />
            </>
          )}
          <Title order={5}>
            {t('rcmImportPage.preview')}
            {result.items.length < result.counts.processes + result.counts.steps + result.counts.controls && (
              <Text span size="sm" c="dimmed" ml="xs">
                {t('rcmImportPage.previewCut', { shown: result.items.length })}
              </Text>
            )}
          </Title>
          <DataGrid data={result.items} columns={itemColumns} getRowId={(i) => i.number} testId="rcm-preview" />
          <Anchor size="sm" href={`/manuals/${manualId}`}>
            {t('rcmImportPage.toOutline')}
          </Anchor>
        </Stack>
      )}
    </Stack>
  );
}
