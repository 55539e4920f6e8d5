import { useState } from 'react';
import { Button, Group, Menu, Progress, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../i18n/index.ts';
import type { Locale } from '../../../shared/auth.ts';

/** Where the evaluation workbook of an audit downloads from (server/workbook/http.ts). */
export const workbookUrl = (auditId: number, lang: Locale) => `/api/audits/${auditId}/workbook.xlsx?lang=${encodeURIComponent(lang)}`;

function fileNameOf(res: Response, fallback: string): string {
  const header = res.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (utf8) return decodeURIComponent(utf8[1]!);
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? fallback;
}

/**
 * Download the Excel evaluation workbook (zh-CN or en). The file is generated while it streams,
 * so there is no Content-Length: the button reads the stream itself and shows the megabytes
 * received and how many controls the workbook holds, then saves the file.
 */
export function WorkbookButton({ auditId }: { auditId: number }) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ bytes: number; controls: number | null } | null>(null);

  async function download(lang: Locale) {
    setState({ bytes: 0, controls: null });
    try {
      const res = await fetch(workbookUrl(auditId, lang), { credentials: 'same-origin' });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
        throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
      }
      const controls = Number(res.headers.get('x-controlbook-controls') ?? NaN);
      const reader = res.body.getReader();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value as Uint8Array<ArrayBuffer>);
        bytes += value.length;
        setState({ bytes, controls: Number.isFinite(controls) ? controls : null });
      }
      const url = URL.createObjectURL(new Blob(chunks, { type: res.headers.get('content-type') ?? 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileNameOf(res, `audit-${auditId}.xlsx`);
      a.dataset.testid = 'workbook-link';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      notifications.show({ color: 'red', title: t('workbookDownload.failed'), message: err instanceof Error ? err.message : String(err) });
    } finally {
      setState(null);
    }
  }

  const busy = state != null;
  return (
    <Group gap="xs" wrap="nowrap">
      {busy && (
        <div style={{ minWidth: 180 }} data-testid="workbook-progress">
          <Progress value={100} animated striped size="sm" />
          <Text size="xs" c="dimmed">
            {state.controls != null
              ? t('workbookDownload.progressControls', { mb: (state.bytes / 1048576).toFixed(1), controls: state.controls.toLocaleString() })
              : t('workbookDownload.progress', { mb: (state.bytes / 1048576).toFixed(1) })}
          </Text>
        </div>
      )}
      <Menu position="bottom-end" disabled={busy}>
        <Menu.Target>
          <Button size="xs" variant="light" loading={busy} data-testid="workbook-download">
            {t('workbookDownload.button')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => void download(currentLocale())} data-testid="workbook-download-current">
            {t('workbookDownload.current')}
          </Menu.Item>
          <Menu.Item onClick={() => void download('zh-CN')} data-testid="workbook-download-zh">
            {t('workbookDownload.zh')}
          </Menu.Item>
          <Menu.Item onClick={() => void download('en')} data-testid="workbook-download-en">
            {t('workbookDownload.en')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
