import { Alert, Button, Center, Group, Loader, Text, Title, type TitleOrder } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useTRPC } from '../../lib/trpc.ts';
import { useManualId } from './ManualLayout.tsx';
import { WordDownload } from './WordDownload.tsx';
import './print.css';

const headingOrder = (depth: number): TitleOrder => Math.min(2 + depth, 6) as TitleOrder;

/** /manuals/:id/document — the draft as a readable, printable document. */
export function DocumentPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const manualId = useManualId();
  const tree = useQuery(trpc.manual.tree.queryOptions({ manualId }));
  if (tree.isPending) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }
  if (tree.isError) return <Alert color="red">{tree.error.message}</Alert>;
  const { manual, nodes } = tree.data;
  const regulation = manual.numberingStyle === 'regulation';
  return (
    <div>
      <Group justify="space-between" mb="md" className="cb-no-print">
        <Text size="sm" c="dimmed">
          {t('documentView.generated')}
        </Text>
        <Group gap="xs">
          <WordDownload manualId={manualId} version="draft" />
          <Button size="xs" onClick={() => window.print()} data-testid="document-print">
            {t('documentView.print')}
          </Button>
        </Group>
      </Group>
      <article className="cb-document" data-testid="manual-document">
        <Title order={1} ta="center" mb="lg">
          {manual.title}
        </Title>
        {nodes.map((n) => {
          // regulation articles (第一条) read inline with their text, like a statute
          const inline = regulation && n.kind === 'clause' && n.depth > 0;
          return (
            <section key={n.id} className="cb-doc-node" data-testid={`doc-node-${n.id}`} style={{ marginLeft: inline ? 0 : Math.min(n.depth, 4) * 12 }}>
              {inline ? (
                <Text my={6} style={{ whiteSpace: 'pre-wrap' }}>
                  <b>{n.number}</b> {n.title}
                  {n.renderedBody ? ` ${n.renderedBody}` : ''}
                </Text>
              ) : (
                <>
                  <Title order={headingOrder(n.depth)} mt={n.depth === 0 ? 'lg' : 'sm'} mb={4} ta={regulation && n.kind === 'chapter' ? 'center' : undefined}>
                    <span className="cb-doc-number">{n.number}</span> {n.title}
                  </Title>
                  {n.renderedBody && (
                    <Text mb={6} style={{ whiteSpace: 'pre-wrap' }}>
                      {n.renderedBody}
                    </Text>
                  )}
                </>
              )}
            </section>
          );
        })}
      </article>
    </div>
  );
}
