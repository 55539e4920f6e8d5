import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function YesNo({ value }: { value: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" variant="light" color={value ? 'teal' : 'gray'}>
      {t(value ? 'common.yes' : 'common.no')}
    </Badge>
  );
}
