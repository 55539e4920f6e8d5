import { useMemo, useState } from 'react';
import { Alert, Button, Card, FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { APPROVAL_IMPORT_MAX_MB, APPROVAL_IMPORT_URL, type ImportResult, type ImportRowError } from '../../../shared/approval-import.ts';
import { DataGrid, gridColumnHelper } from '../../components/DataGrid.tsx';
import { uploadFile } from '../../lib/upload.ts';
import { useTRPC } from '../../lib/trpc.ts';

const col = gridColumnHelper<ImportRowError>();

type Progress = { phase: 'read' | 'write'; rows: number; total?: number; bytes?: number; size?: number | null };

function upload(file: File, dryRun: boolean, onProgress: (p: Progress) => void): Promise<ImportResult> {
  const url = `${APPROVAL_IMPORT_URL}?dryRun=${dryRun ? 1 : 0}&name=${encodeURIComponent(file.name)}`;
  return uploadFile<ImportResult>(url, file, (line) => onProgress(line as unknown as Progress));
}

/** Import approval records from CSV or .xlsx: dry run with row errors, then commit — all or nothing. */
export function ApprovalImportPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [running, setRunning] = useState<'dry' | 'commit' | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setRunning(dryRun ? 'dry' : 'commit');
    setProgress(null);
    setError(null);
    try {
      const r = await upload(file, dryRun, setProgress);
      setResult(r);
      if (r.committed) await queryClient.invalidateQueries({ queryKey: trpc.authority.pathKey() });
    } catch (e) {
      setResult(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(null);
    }
  };
  const percent =
    progress?.phase === 'write' && progress.total
      ? (progress.rows / progress.total) * 100
      : progress?.bytes && progress.size
        ? (progress.bytes / progress.size) * 100
        : running
          ? 100
          : 0;
  const columns = useMemo(
    () =>
      col.columns([
        col.accessor('row', { header: 'authorityUi.importPage.row' }),
        col.accessor((e) => (e.field ? t(`authority.importFields.${e.field}`) : ''), { id: 'field', header: 'authorityUi.importPage.field' }),
        col.accessor('message', { header: 'authorityUi.importPage.message' }),
      ]),
    [t],
  );

  return (
    <Stack>
      <Text size="sm" c="dimmed" maw={900}>
        {t('authorityUi.importPage.hint')}
      </Text>
      <Group>
        <FileButton
          onChange={(f) => {
            setFile(f);
            setResult(null);
            setError(null);
          }}
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        >
          {(props) => (
            <Button variant="default" {...props} data-testid="import-file">
              {t('authorityUi.importPage.chooseFile')}
            </Button>
          )}
        </FileButton>
        {file && (
          <Text size="sm" data-testid="import-selected">
            {t('authorityUi.importPage.selected', { name: file.name, size: Math.ceil(file.size / 1024) })}
          </Text>
        )}
        <Button onClick={() => void run(true)} disabled={!file || file.size > APPROVAL_IMPORT_MAX_MB * 1024 * 1024 || running != null} loading={running === 'dry'} data-testid="import-dry-run">
          {t('authorityUi.importPage.dryRun')}
        </Button>
        <Button color="teal" onClick={() => void run(false)} disabled={!file || running != null || !result?.dryRun || result.errorCount > 0} loading={running === 'commit'} data-testid="import-commit">
          {t('authorityUi.importPage.commit')}
        </Button>
      </Group>
      {running && (
        <Stack gap={4} data-testid="import-progress">
          <Progress value={percent} animated striped />
          <Text size="xs" c="dimmed">
            {progress?.phase === 'write'
              ? t('authorityUi.importPage.writing', { rows: progress.rows, total: progress.total })
              : t('authorityUi.importPage.reading', { rows: progress?.rows ?? 0 })}
          </Text>
        </Stack>
      )}
      {error && (
        <Alert color="red" title={t('authorityUi.importPage.failed')} data-testid="import-error">
          {error}
        </Alert>
      )}
      {result && (
        <Card withBorder data-testid="import-result">
          <Group gap="lg" mb="sm">
            <Text>
              {t('authorityUi.importPage.rows')}: <b>{result.rows}</b>
            </Text>
            <Text>
              {t('authorityUi.importPage.valid')}: <b>{result.valid}</b>
            </Text>
            <Text c={result.errorCount ? 'red' : undefined}>
              {t('authorityUi.importPage.errors')}: <b data-testid="import-error-count">{result.errorCount}</b>
            </Text>
          </Group>
          {result.committed && <Alert color="teal">{t('authorityUi.importPage.committed', { count: result.inserted })}</Alert>}
          {!result.committed && result.message && <Alert color="red">{result.message}</Alert>}
          {result.dryRun && result.errorCount === 0 && <Alert color="teal">{t('authorityUi.importPage.noErrors')}</Alert>}
          {result.errors.length > 0 && (
            <>
              {result.errorCount > result.errors.length && (
                <Text size="sm" c="dimmed" my="xs">
                  {t('authorityUi.importPage.moreErrors', { shown: result.errors.length, total: result.errorCount })}
                </Text>
              )}
              <DataGrid testId="import-errors-grid" data={result.errors} columns={columns} />
            </>
          )}
        </Card>
      )}
    </Stack>
  );
}
