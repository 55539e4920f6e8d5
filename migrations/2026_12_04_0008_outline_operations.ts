import { sql, type Kysely } from 'kysely';

// Frozen in time. The undo/redo stack of outline editing: each operation keeps the rows it changed
// as they were before (`inverse`) and after (`forward`), so undo and redo are themselves saved writes
// that can check nothing was changed underneath and restore deleted rows with their ids.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outline_operation')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('manual_id', 'integer', (c) => c.notNull().references('manual.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(20)', (c) =>
      c.notNull().check(sql`kind in ('insert', 'move', 'indent', 'outdent', 'update', 'delete', 'control', 'link', 'unlink', 'merge')`),
    )
    // the node it was about and its title then, for the "undo …" tooltip
    .addColumn('node_id', 'integer', (c) => c.notNull())
    .addColumn('label', 'varchar(500)', (c) => c.notNull().defaultTo(''))
    .addColumn('forward', 'jsonb', (c) => c.notNull())
    .addColumn('inverse', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('undone_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outline_operation_stack_idx').on('outline_operation').columns(['manual_id', 'user_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outline_operation').ifExists().execute();
}
