import { Button, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../i18n/index.ts';
import type { Locale } from '../../../shared/auth.ts';

/** Where a manual's Word document downloads from (server/manual-docx/http.ts); 'draft' = the working copy, marked as a draft. */
export const manualDocxUrl = (manualId: number, version: number | 'draft', lang: Locale) =>
  `/api/manuals/${manualId}/manual.docx?version=${version}&lang=${encodeURIComponent(lang)}`;

/** A menu of plain links (the browser downloads the file: Content-Disposition), in either language. */
export function WordDownload({ manualId, version, size = 'xs' }: { manualId: number; version: number | 'draft'; size?: 'xs' | 'compact-xs' }) {
  const { t } = useTranslation();
  const id = version === 'draft' ? 'draft' : `v${version}`;
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button size={size} variant="light" data-testid={`word-download-${id}`}>
          {t('wordDownload.button')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {(
          [
            ['current', currentLocale()],
            ['zh', 'zh-CN'],
            ['en', 'en'],
          ] as const
        ).map(([key, lang]) => (
          <Menu.Item key={key} component="a" href={manualDocxUrl(manualId, version, lang)} download data-testid={`word-download-${id}-${key}`}>
            {t(`wordDownload.${key}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
