import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/trpc/app-router.ts';
import { CSRF_HEADER, LOCALE_HEADER } from '../../shared/http.ts';
import { currentLocale } from '../i18n/index.ts';

/** The one tRPC client: every request carries the CSRF header and the current UI language. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

const headers = () => ({ [CSRF_HEADER]: '1', [LOCALE_HEADER]: currentLocale() });

export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // calls that check a password travel alone (server/app.ts refuses them in a batch); logout has
        // no input, and tRPC's unbatched link would send it as an empty body, which the server cannot parse
        condition: (op) => op.type === 'mutation' && op.path.startsWith('auth.') && op.path !== 'auth.logout',
        true: httpLink({ url: '/api/trpc', headers }),
        false: httpBatchLink({
          url: '/api/trpc',
          maxURLLength: 2083, // longer batches are split, within every proxy's URL limit
          maxItems: 50, // the server refuses larger batches (server/app.ts MAX_BATCH_SIZE)
          headers,
        }),
      }),
    ],
  });
}

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type AppError = TRPCClientError<AppRouter>;

export function isAppError(err: unknown): err is AppError {
  return err instanceof TRPCClientError;
}
