import { Suspense } from 'react';
import { Center, Loader } from '@mantine/core';
import { Outlet } from 'react-router';

/** An <Outlet> whose page may still be downloading (pages are code-split in client/routes.tsx). */
export function PageOutlet({ context }: { context?: unknown }) {
  return (
    <Suspense
      fallback={
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      }
    >
      <Outlet context={context} />
    </Suspense>
  );
}
