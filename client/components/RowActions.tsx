import { useState, type ReactNode } from 'react';
import { Button, Group, Modal, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Edit / Delete buttons for one grid row; delete asks for confirmation first. */
export function RowActions(props: {
  name: string;
  onEdit?: () => void;
  onDelete?: () => void;
  deleting?: boolean;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  return (
    <Group gap={4} wrap="nowrap">
      {props.onEdit && (
        <Button size="compact-xs" variant="light" onClick={props.onEdit} data-testid="row-edit">
          {t('common.edit')}
        </Button>
      )}
      {props.children}
      {props.onDelete && (
        <Button size="compact-xs" variant="light" color="red" onClick={() => setConfirming(true)} data-testid="row-delete">
          {t('common.delete')}
        </Button>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('common.confirmDeleteTitle')} centered>
        <Text mb="md">{t('common.confirmDelete', { name: props.name })}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            loading={props.deleting}
            data-testid="confirm-delete"
            onClick={() => {
              setConfirming(false);
              props.onDelete?.();
            }}
          >
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </Group>
  );
}
