import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatScore } from '../../../shared/scoring.ts';
import type { AuditControl } from './audit-data.ts';
import type { TestFormValues } from './test-draft.ts';
import type { TestConflict } from './use-save-test.ts';
import { formatDateTime } from '../../lib/format-date.ts';

/** Someone saved this control first: show who and what, then reload (theirs) or keep mine. */
export function ConflictModal(props: {
  conflict: TestConflict | null;
  control: AuditControl | undefined;
  onTakeTheirs: () => void;
  onKeepMine: () => void;
}) {
  const { t } = useTranslation();
  const { conflict, control } = props;
  const theirs = conflict?.theirs;
  /** A test in a few words: applicability, design, the operating counts. */
  const describe = (v: Pick<TestFormValues, 'applicability' | 'design'> & { samplesTested: unknown; exceptions: unknown; grade: unknown }) => {
    if (v.applicability !== 'applicable') return t(`audits.applicabilities.${v.applicability}`);
    const has = (x: unknown) => x != null && x !== '';
    return [
      v.design ? t(`audits.designConclusions.${v.design}`) : t('auditPages.test.notAssessed'),
      has(v.samplesTested) ? `${t('scoring.fields.samplesTested')} ${String(v.samplesTested)}` : '',
      has(v.exceptions) ? `${t('scoring.fields.exceptions')} ${String(v.exceptions)}` : '',
      has(v.grade) ? `${t('scoring.fields.grade')} ${String(v.grade)}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  };
  return (
    <Modal opened={conflict != null} onClose={props.onTakeTheirs} title={t('auditPages.conflict.title')} centered size="lg">
      {conflict && (
        <Stack gap="sm" data-testid="conflict-modal">
          <Alert color="orange" data-testid="conflict-message">
            {conflict.message}
          </Alert>
          {control && (
            <Text size="sm" fw={600}>
              {control.number} {control.title}
            </Text>
          )}
          <Table withTableBorder fz="sm">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={120}>{t('auditPages.conflict.theirs')}</Table.Th>
                <Table.Td>
                  {theirs ? (
                    <>
                      {describe(theirs)}
                      {theirs.state === 'tested' && theirs.r != null ? ` → r ${formatScore(theirs.r)}` : ` → ${t(`scoring.states.${theirs.state}`)}`}
                      <Text size="xs" c="dimmed">
                        {t('auditPages.test.savedBy', { by: theirs.updatedBy ?? theirs.testerName ?? '', at: formatDateTime(theirs.updatedAt) })}
                      </Text>
                    </>
                  ) : (
                    '–'
                  )}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('auditPages.conflict.mine')}</Table.Th>
                <Table.Td>{describe(conflict.mine)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onTakeTheirs} data-testid="conflict-reload">
              {t('auditPages.conflict.reload')}
            </Button>
            <Button onClick={props.onKeepMine} data-testid="conflict-keep-mine">
              {t('auditPages.conflict.keepMine')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
