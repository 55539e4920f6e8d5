import type { ReactNode } from 'react';
import { Title } from '@mantine/core';

export function PageTitle({ children }: { children: ReactNode }) {
  return (
    <Title order={2} mb="md">
      {children}
    </Title>
  );
}
