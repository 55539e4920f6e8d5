import type { ReactNode } from 'react';
import { Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc.ts';

/** After any SoD change (or a duty category change) every SoD view and the org's duty names refetch. */
export function useInvalidateSod() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.sod.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.org.dutyCategories.pathKey() }),
    ]);
}

export const RISK_COLORS = { low: 'gray', medium: 'yellow', high: 'orange', critical: 'red' } as const;

/** A grid cell that keeps dates and codes on one line. */
export function Nowrap({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
      {children}
    </Text>
  );
}
