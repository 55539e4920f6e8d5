import { useState } from 'react';
import { Alert, Badge, Box, Button, Card, Checkbox, FileButton, Group, List, Radio, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { notifications } from '@mantine/notifications';
import { useTRPC } from '../../lib/trpc.ts';
import { uploadFile, UploadFailure } from '../../lib/upload.ts';
import { KindBadge } from './OutlineRow.tsx';
import { useManualId } from './ManualLayout.tsx';
import type { ImportPreview } from '../../../shared/import-preview.ts';
import { KEEPABLE } from '../../../shared/import-preview.ts';

type Result = ImportPreview & { existing: number; inserted: number; source: string };
type Mode = 'append' | 'replace';
const MAX_PREVIEW_ROWS = 500;

/**
 * /manuals/:id/import — a document (Word .docx, PDF, text; dropped or chosen) or pasted text →
 * a preview of every node (number as it will be saved, number in the document, title, text),
 * the numbering style and properties found, and the text set aside (keep any furniture item) →
 * save exactly that. Both paths go through POST /api/manuals/:id/import.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const manualId = useManualId();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [keep, setKeep] = useState<number[]>([]);
  const [mode, setMode] = useState<Mode>('append');
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const source = (): Blob => file ?? new Blob([text], { type: 'text/plain;charset=utf-8' });
  const call = async (dryRun: boolean, keepNow: number[], modeNow: Mode) => {
    setError(null);
    setBusy(dryRun ? 'preview' : 'save');
    try {
      const q = new URLSearchParams({ dryRun: dryRun ? '1' : '0', mode: modeNow, keep: keepNow.join(','), name: file?.name ?? 'pasted.txt' });
      return await uploadFile<Result>(`/api/manuals/${manualId}/import?${q}`, source());
    } catch (err) {
      setError(err instanceof UploadFailure ? err.message : String(err));
      return null;
    } finally {
      setBusy(null);
    }
  };
  const preview = async (keepNow = keep, modeNow = mode) => {
    const res = await call(true, keepNow, modeNow);
    if (res) setResult(res);
  };
  const save = async () => {
    const res = await call(false, keep, mode);
    if (!res) return;
    await queryClient.invalidateQueries({ queryKey: trpc.manual.pathKey() });
    notifications.show({ color: 'teal', message: t('importPage.imported', { count: res.inserted }) });
    await navigate(`/manuals/${manualId}`);
  };
  const choose = (f: File | null) => {
    setFile(f);
    setResult(null);
    setKeep([]);
  };
  const toggleKeep = (index: number, on: boolean) => {
    const next = on ? [...keep, index] : keep.filter((i) => i !== index);
    setKeep(next);
    void preview(next);
  };
  const changeMode = (m: Mode) => {
    setMode(m);
    void preview(keep, m);
  };
  const reset = () => {
    setResult(null);
    setKeep([]);
  };
  const noStructure = result != null && result.nodes.length === 0;
  const properties = result ? Object.entries(result.properties).filter(([, v]) => v) : [];

  return (
    <Stack>
      <Title order={4}>{t('importPage.title')}</Title>
      <Box
        p="md"
        style={{ border: '2px dashed var(--mantine-color-gray-4)', borderRadius: 8 }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          choose(e.dataTransfer.files[0] ?? null);
        }}
        data-testid="import-drop"
      >
        <Group>
          <FileButton onChange={choose} accept=".docx,.pdf,.txt,text/plain,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document">
            {(props) => (
              <Button variant="default" {...props} data-testid="import-file">
                {t('importPage.file')}
              </Button>
            )}
          </FileButton>
          <Text size="sm" c="dimmed">
            {file ? t('importPage.fileChosen', { name: file.name }) : t('importPage.fileHint')}
          </Text>
          {file && (
            <Button variant="subtle" size="xs" onClick={() => choose(null)}>
              {t('importPage.clearFile')}
            </Button>
          )}
        </Group>
      </Box>
      {!file && (
        <Textarea
          label={t('importPage.text')}
          placeholder={t('importPage.textPlaceholder')}
          rows={10}
          resize="vertical"
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            reset();
          }}
          data-testid="import-text"
        />
      )}
      <Group>
        <Button onClick={() => void preview()} disabled={!file && !text.trim()} loading={busy === 'preview'} data-testid="import-preview">
          {t('importPage.preview')}
        </Button>
        <Button color="teal" onClick={() => void save()} disabled={!result || noStructure || busy !== null} loading={busy === 'save'} data-testid="import-save">
          {t('importPage.save')}
        </Button>
        {result && (
          <Button variant="default" onClick={reset} data-testid="import-cancel">
            {t('importPage.cancel')}
          </Button>
        )}
      </Group>
      {error && (
        <Alert color="red" data-testid="import-error">
          {error}
        </Alert>
      )}
      {result && (
        <Card withBorder data-testid="import-result">
          {result.existing > 0 && (
            <Alert color="blue" mb="sm" data-testid="import-mode">
              <Text size="sm" mb="xs">
                {t('importPage.existing', { count: result.existing })}
              </Text>
              <Radio.Group value={mode} onChange={(v) => changeMode(v as Mode)}>
                <Group>
                  <Radio value="append" label={t('importPage.modes.append')} />
                  <Radio value="replace" label={t('importPage.modes.replace')} />
                </Group>
              </Radio.Group>
            </Alert>
          )}
          <Group gap="sm" mb="sm">
            <Text fw={600}>{t('importPage.format')}:</Text>
            <Badge color={result.format === 'none' ? 'red' : 'teal'} variant="light" tt="none" data-testid="import-format">
              {t(`importPage.formats.${result.format}`)}
            </Badge>
            <Text fw={600}>{t('importPage.numberingStyle')}:</Text>
            <Badge variant="light" tt="none" data-testid="import-style">
              {t(`numberingStyles.${result.numberingStyle}`)}
            </Badge>
            <Badge variant="outline" tt="none">
              {t('importPage.script')}: {t(`importPage.scripts.${result.script}`)}
            </Badge>
          </Group>
          {properties.length > 0 && (
            <Group gap="xs" mb="sm" data-testid="import-properties">
              <Text fw={600}>{t('importPage.properties')}:</Text>
              {properties.map(([k, v]) => (
                <Badge key={k} variant="outline" color="gray" tt="none">
                  {t(`importPage.propertyKeys.${k}`)}: {v}
                </Badge>
              ))}
            </Group>
          )}
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
              {result.nodes.length > MAX_PREVIEW_ROWS && (
                <Text size="sm" c="dimmed" mb="xs">
                  {t('importPage.showingFirst', { shown: MAX_PREVIEW_ROWS, total: result.nodes.length })}
                </Text>
              )}
              <Table striped withTableBorder data-testid="import-preview-grid">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('outline.number')}</Table.Th>
                    <Table.Th>{t('importPage.sourceNumber')}</Table.Th>
                    <Table.Th>{t('outline.kind')}</Table.Th>
                    <Table.Th>{t('outline.titleLabel')}</Table.Th>
                    <Table.Th>{t('importPage.body')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {result.nodes.slice(0, MAX_PREVIEW_ROWS).map((n, i) => (
                    <Table.Tr key={i} data-testid="import-row">
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Box pl={n.depth * 16} fw={600}>
                          {n.number}
                        </Box>
                      </Table.Td>
                      <Table.Td c="dimmed">{n.sourceNumber}</Table.Td>
                      <Table.Td>
                        <KindBadge kind={n.kind} />
                      </Table.Td>
                      <Table.Td>{n.title}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'pre-wrap', fontSize: 'var(--mantine-font-size-sm)' }}>{n.body}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
          {result.dropped.length > 0 && (
            <Stack gap={4} mt="md" data-testid="import-dropped">
              <Title order={5}>{t('importPage.dropped')}</Title>
              {result.dropped.map((d) => (
                <Group key={d.index} gap="xs" wrap="nowrap" align="flex-start">
                  <Badge variant="light" color="gray" tt="none" style={{ flexShrink: 0 }}>
                    {t(`importPage.reasons.${d.reason}`)}
                  </Badge>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', background: d.kept ? undefined : 'var(--mantine-color-yellow-1)', textDecoration: d.kept ? undefined : 'line-through' }}>
                    {d.text.length > 400 ? `${d.text.slice(0, 400)}…` : d.text}
                  </Text>
                  {KEEPABLE.has(d.reason) && (
                    <Checkbox size="xs" label={t('importPage.keep')} checked={keep.includes(d.index)} onChange={(e) => toggleKeep(d.index, e.currentTarget.checked)} style={{ flexShrink: 0 }} />
                  )}
                </Group>
              ))}
            </Stack>
          )}
        </Card>
      )}
    </Stack>
  );
}
