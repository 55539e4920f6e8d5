import { readConfig } from './config.ts';
import { openConfiguredDatabase } from './db/open-from-config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { redactUrl } from './db/connect.ts';
import { buildApp } from './app.ts';
import { demoLoginsText, isEmptyDatabase, seedDemo } from './demo/seed.ts';
import { purgeExpiredSessions } from './auth/sessions.ts';

/** `npm start`: migrate, seed the demo on an empty database, serve, shut down cleanly. */
async function main() {
  const config = readConfig();
  const database = await openConfiguredDatabase(config);
  const app = await buildApp({
    database,
    production: config.production,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    logLevel: config.logLevel,
  });
  const log = app.log;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close(); // stops accepting, lets requests in flight finish
      await database.close(); // PGlite checkpoints its WAL and releases the data-dir lock
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const applied = await migrateToLatest(database.db);
    log.info(
      { database: database.backend, where: config.databaseUrl ? redactUrl(config.databaseUrl) : config.dataDir, applied },
      'database ready',
    );
    if (await isEmptyDatabase(database.db)) {
      await seedDemo(database.db, { forcePasswordChange: !config.demo });
      log.info('empty database: demo organisation and users seeded');
      console.log(`\nDemo logins (change them for real use):\n${demoLoginsText()}\n`);
      if (!config.demo) console.log('The admin is asked to choose a new password at first sign-in (DEMO=1 skips this).\n');
    }
    await purgeExpiredSessions(database.db);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    console.log(`ControlBook is running at http://localhost:${port}`);
  } catch (err) {
    log.error({ err }, 'start-up failed');
    await database.close().catch(() => {});
    process.exit(1);
  }
}

void main();
