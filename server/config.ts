import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  /** postgres://… switches from embedded PGlite to a PostgreSQL server. */
  databaseUrl: string | undefined;
  /** PGlite data directory (ignored when databaseUrl is set). */
  dataDir: string;
  /** Hide internal error details (stacks, paths) from clients: everywhere but NODE_ENV=development. */
  production: boolean;
  /** Which proxies may set X-Forwarded-For (Fastify's trustProxy): off unless TRUST_PROXY names them. */
  trustProxy: false | number | string[];
  /** Mark the session cookie Secure (set when served over HTTPS). */
  secureCookies: boolean;
  logLevel: string;
  /** DEMO=1: a demo installation; the seeded admin keeps its public password without being asked to change it */
  demo: boolean;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer 0–65535, got "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    production: env.NODE_ENV !== 'development',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    secureCookies: env.SECURE_COOKIES === '1' || env.SECURE_COOKIES === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    demo: env.DEMO === '1' || env.DEMO === 'true',
  };
}

/**
 * TRUST_PROXY: unset/empty/0/false → trust nobody (the socket address is the client address);
 * a number → that many proxy hops; otherwise a comma list of proxy addresses or CIDRs.
 * Never `true`: trusting every sender lets any client pick its own address.
 */
export function parseTrustProxy(value: string | undefined): false | number | string[] {
  const v = value?.trim() ?? '';
  if (v === '' || v === '0' || v.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of list) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(item) && !['loopback', 'linklocal', 'uniquelocal'].includes(item)) {
      throw new Error(`TRUST_PROXY must be a hop count or a comma list of addresses/CIDRs, got "${item}"`);
    }
  }
  return list;
}
