import { useState } from 'react';
import { Alert, Button, Checkbox, FileInput, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.tsx';
import { uploadFile, UploadFailure } from '../../lib/upload.ts';
import { formatDateTime } from '../../lib/format-date.ts';

interface RestoreResult {
  tables: number;
  rows: number;
  schemaVersion: string;
  backupCreatedAt: string;
}

/** Admin: download a full backup; restore one over this installation (all or nothing). */
export function BackupPage() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ phase?: string; table?: string; rows?: number } | null>(null);
  const [done, setDone] = useState<RestoreResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const restore = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = await uploadFile<RestoreResult>(`/api/admin/restore?confirm=replace&name=${encodeURIComponent(file.name)}`, file, setProgress);
      setDone(result);
    } catch (err) {
      setError(err instanceof UploadFailure ? err.message : String(err));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  return (
    <Stack maw={720}>
      <PageTitle>{t('backup.title')}</PageTitle>
      <Title order={4}>{t('backup.downloadTitle')}</Title>
      <Text size="sm" c="dimmed">
        {t('backup.downloadHelp')}
      </Text>
      <Group>
        <Button component="a" href="/api/admin/backup" download data-testid="backup-download">
          {t('backup.download')}
        </Button>
      </Group>

      <Title order={4} mt="lg">
        {t('backup.restoreTitle')}
      </Title>
      <Alert color="red" variant="light">
        {t('backup.restoreWarning')}
      </Alert>
      <FileInput label={t('backup.file')} accept=".cbk,application/gzip" value={file} onChange={setFile} data-testid="restore-file" />
      <Checkbox label={t('backup.confirm')} checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} data-testid="restore-confirm" />
      <Group>
        <Button color="red" disabled={!file || !confirmed} loading={busy} onClick={restore} data-testid="restore-start">
          {t('backup.restore')}
        </Button>
      </Group>
      {progress && (
        <Stack gap={4}>
          <Text size="sm">{t('backup.progress', { phase: progress.phase ?? '', table: progress.table ?? '', rows: progress.rows ?? 0 })}</Text>
          <Progress value={100} animated striped />
        </Stack>
      )}
      {error && (
        <Alert color="red" data-testid="restore-error">
          {error}
        </Alert>
      )}
      {done && (
        <Alert color="green" data-testid="restore-done">
          {t('backup.restored', { rows: done.rows, tables: done.tables, createdAt: formatDateTime(done.backupCreatedAt) })}
        </Alert>
      )}
    </Stack>
  );
}
