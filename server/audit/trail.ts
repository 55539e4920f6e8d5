import type { Executor } from '../db/connect.ts';

export interface Actor {
  userId: number | null;
  username: string;
}

export interface TrailEntry {
  entity: string;
  entityId: number | string | null;
  action: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes audit-trail rows inside the caller's transaction, so a change and its trail
 * commit or roll back together. The write-procedure middleware refuses to commit a
 * mutation that recorded nothing.
 */
export class Trail {
  #count = 0;

  constructor(
    private readonly trx: Executor,
    readonly actor: Actor,
  ) {}

  get count(): number {
    return this.#count;
  }

  async record(entry: TrailEntry): Promise<void> {
    await this.trx
      .insertInto('audit_trail')
      .values({
        actor_user_id: this.actor.userId,
        actor_username: this.actor.username,
        entity: entry.entity,
        entity_id: entry.entityId == null ? null : String(entry.entityId),
        action: entry.action,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
      })
      .execute();
    this.#count++;
  }
}
