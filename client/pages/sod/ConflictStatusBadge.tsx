import { Badge, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SodConflict } from './sod-types.ts';

/** Open / mitigated, with the mitigation's expiry — or the date a lapsed one expired. */
export function ConflictStatusBadge({ conflict }: { conflict: SodConflict }) {
  const { t } = useTranslation();
  const m = conflict.mitigation;
  return (
    <Stack gap={0}>
      {m ? (
        <Tooltip label={m.mitigatingControl} multiline w={320}>
          <Badge miw="max-content" color="teal" variant="light" data-testid="conflict-status">
            {t('sodPage.mitigatedUntil', { date: m.expiresOn })}
          </Badge>
        </Tooltip>
      ) : (
        <Badge miw="max-content" color="red" variant="light" data-testid="conflict-status">
          {t('sod.statuses.open')}
        </Badge>
      )}
      {conflict.lapsedMitigation && (
        <Text size="xs" c="orange" data-testid="conflict-lapsed">
          {t('sodPage.lapsed', { date: conflict.lapsedMitigation.expiresOn })}
        </Text>
      )}
    </Stack>
  );
}
