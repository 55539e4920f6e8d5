import { Command, Option } from 'commander';
import { readConfig } from './config.ts';
import { openConfiguredDatabase } from './db/open-from-config.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Database } from './db/connect.ts';
import { demoLoginsText, seedDemo } from './demo/seed.ts';
import { createUser } from './users/service.ts';
import { Trail } from './audit/trail.ts';
import { ROLES } from '../shared/roles.ts';
import { password as passwordSchema, userInput } from '../shared/auth.ts';
import { z } from 'zod';
import { isMessageKey, translate } from './i18n.ts';
import { registerImportCommand } from './manual/cli-import.ts';
import { registerOpsCommands } from './ops/cli-commands.ts';
import { registerAuditCommands } from './audits/cli.ts';
import { registerWorkbookCommands } from './workbook/cli.ts';
import { registerManualDocxCommands } from './manual-docx/cli.ts';
import { registerMonitoringCommands } from './monitoring/cli.ts';

/** `npx controlbook …`: operations from the shell, on the database that DATABASE_URL / DATA_DIR name. */
async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(readConfig());
  try {
    await migrateToLatest(database.db);
    return await fn(database);
  } finally {
    await database.close();
  }
}

const program = new Command()
  .name('controlbook')
  .description('ControlBook command line (uses DATABASE_URL, or the embedded database in DATA_DIR, default ./data)');

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async () => {
    const database = await openConfiguredDatabase(readConfig());
    try {
      const applied = await migrateToLatest(database.db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
    } finally {
      await database.close();
    }
  });

program
  .command('seed-demo')
  .description('add the demo organisation and one user per role (skipped if already there)')
  .action(() =>
    withDatabase(async ({ db }) => {
      const { seeded } = await seedDemo(db, { forcePasswordChange: !readConfig().demo });
      console.log(seeded ? `demo seeded; logins:\n${demoLoginsText()}` : 'demo organisation already present; nothing done');
    }),
  );

program
  .command('create-user')
  .description('create a user; the password comes from --password or the CONTROLBOOK_PASSWORD variable')
  .argument('<username>')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .option('--name <displayName>', 'display name (default: the username)')
  .option('--password <password>', 'initial password (prefer CONTROLBOOK_PASSWORD: arguments show in ps)')
  .addOption(new Option('--locale <locale>').choices(['zh-CN', 'en']).default('zh-CN'))
  .action((username: string, opts: { role: string; name?: string; password?: string; locale: string }) =>
    withDatabase(async ({ db }) => {
      const parsed = userInput.extend({ password: passwordSchema }).safeParse({
        username,
        displayName: opts.name ?? username,
        role: opts.role,
        locale: opts.locale,
        password: opts.password ?? process.env.CONTROLBOOK_PASSWORD ?? '',
      });
      if (!parsed.success) {
        const lines = parsed.error.issues.map(
          (i) => `  ${i.path.join('.') || 'input'}: ${isMessageKey(i.message) ? translate('en', i.message) : i.message}`,
        );
        throw new CliError(`invalid user:\n${lines.join('\n')}`);
      }
      const exists = await db.selectFrom('app_user').select('id').where('username', '=', parsed.data.username).executeTakeFirst();
      if (exists) throw new CliError(`user "${parsed.data.username}" already exists`);
      const user = await db.transaction().execute((trx) =>
        createUser(trx, new Trail(trx, { userId: null, username: 'cli' }), parsed.data),
      );
      console.log(`created user ${user.username} (id ${user.id}, role ${user.role})`);
    }),
  );

class CliError extends Error {}

registerImportCommand(program);
registerOpsCommands(program);
registerAuditCommands(program);
registerWorkbookCommands(program);
registerManualDocxCommands(program);
registerMonitoringCommands(program);

z.config(z.locales.en());
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`controlbook: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
