import type { Config } from '../config.ts';
import { openDatabase, type Database } from './connect.ts';

/** PGlite in DATA_DIR unless DATABASE_URL names a PostgreSQL server. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.dataDir },
  );
}
