/**
 * Where conversations live: one row per conversation (owner, metadata, the deployment that
 * holds it upstream once one does, a tombstone once deleted) and one row per item, numbered
 * in the order it was added. A batch of items is appended in one transaction that also takes
 * the next numbers from the conversation row, so concurrent turns never interleave or
 * collide and a deleted (or meanwhile bound) conversation gets nothing.
 */
import { sql } from 'kysely';
import { type ConversationItem } from '@switchyard/core';
import { toJsonColumn, type AnyKysely, type Migration, type Store } from '@switchyard/store';
import { newItemId } from './ids.js';
import { itemTokens, type CountTokens } from './tokens.js';

/** The conversations table. */
export const CONVERSATIONS_TABLE = 'sy_conversations';
/** The items table. */
export const ITEMS_TABLE = 'sy_conversation_items';

/** A stored conversation. */
export interface StoredConversation {
  id: string;
  /** Owner key, user or team; '' for anonymous callers. */
  owner: string;
  createdAt: number;
  metadata: Record<string, string>;
  deleted: boolean;
  /** The deployment holding the conversation upstream, once a native turn made it there. */
  deploymentId: string | null;
  upstreamId: string | null;
}

/** An item row's parts that paging and truncation read. */
export interface ItemRow {
  seq: number;
  item: ConversationItem;
}

interface ConversationRow {
  id: string;
  owner: string;
  created_at: number | string;
  metadata_json: string;
  deleted: number;
  next_seq: number | string;
  deployment_id: string | null;
  upstream_id: string | null;
}

/**
 * The plugin's migrations (applied once per database by `store.migrate`).
 *
 * @example
 * ```ts
 * await store.migrate('@switchyard/conversations', CONVERSATIONS_MIGRATIONS);
 * ```
 */
export const CONVERSATIONS_MIGRATIONS: readonly Migration[] = [
  {
    name: '001_conversations',
    async up(db) {
      await db.schema
        .createTable(CONVERSATIONS_TABLE)
        .ifNotExists()
        .addColumn('id', 'varchar(200)', (c) => c.primaryKey())
        .addColumn('owner', 'varchar(200)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('metadata_json', 'text', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('deployment_id', 'varchar(200)')
        .addColumn('upstream_id', 'varchar(200)')
        // items before this number have their token counts (counted on the first truncating turn)
        .addColumn('counted_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable(ITEMS_TABLE)
        .ifNotExists()
        .addColumn('conversation_id', 'varchar(200)', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('id', 'varchar(200)', (c) => c.notNull())
        .addColumn('tokens', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('item_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${ITEMS_TABLE}_pk`, ['conversation_id', 'seq'])
        .execute();
      await db.schema.createIndex(`${ITEMS_TABLE}_id`).ifNotExists().unique().on(ITEMS_TABLE).columns(['conversation_id', 'id']).execute();
    },
  },
];

const fromRow = (r: ConversationRow): StoredConversation => ({
  id: r.id,
  owner: r.owner,
  createdAt: Number(r.created_at),
  metadata: JSON.parse(r.metadata_json) as Record<string, string>,
  deleted: Number(r.deleted) === 1,
  deploymentId: r.deployment_id,
  upstreamId: r.upstream_id,
});

const nowSec = () => Math.floor(Date.now() / 1000);
/** Rows per insert statement (SQLite allows 32,766 bound values; 6 per row), and per page read. */
const INSERT_CHUNK = 500;

/** Items with ids unique in the conversation: a repeated or already used id gets a new one. */
async function uniqueIds(trx: AnyKysely, conversationId: string, items: readonly ConversationItem[]): Promise<ConversationItem[]> {
  const wanted = [...new Set(items.map((i) => i.id))];
  const taken = new Set<string>();
  for (let i = 0; i < wanted.length; i += INSERT_CHUNK) {
    const rows = (await trx
      .selectFrom(ITEMS_TABLE)
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('id', 'in', wanted.slice(i, i + INSERT_CHUNK))
      .execute()) as Array<{ id: string }>;
    for (const r of rows) taken.add(r.id);
  }
  return items.map((item) => {
    if (!taken.has(item.id)) {
      taken.add(item.id);
      return item;
    }
    const renamed = { ...item, id: newItemId(item.id.split('_')[0] || 'item') };
    taken.add(renamed.id);
    return renamed;
  });
}

async function insertItems(trx: AnyKysely, conversationId: string, firstSeq: number, items: readonly ConversationItem[]): Promise<void> {
  const at = nowSec();
  const rows = items.map((item, i) => ({
    conversation_id: conversationId,
    seq: firstSeq + i,
    id: item.id,
    tokens: null,
    created_at: at,
    item_json: toJsonColumn(item)!,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto(ITEMS_TABLE).values(rows.slice(i, i + INSERT_CHUNK)).execute();
}

/** What an append found: the items as kept, or why nothing was kept. */
export type AppendResult =
  | { kind: 'appended'; items: ConversationItem[] }
  | { kind: 'deleted' }
  | { kind: 'bound'; deploymentId: string; upstreamId: string };

/**
 * The conversations repository over a store (SQLite or PostgreSQL).
 *
 * @example
 * ```ts
 * const repo = conversationsRepo(store);
 * await repo.create({ id, owner: '', createdAt: 0, metadata: {} }, items);
 * ```
 */
export function conversationsRepo(store: Store) {
  const db = store.db;
  return {
    /** Creates a conversation with its first items, in one transaction. */
    async create(c: Pick<StoredConversation, 'id' | 'owner' | 'createdAt' | 'metadata'>, items: readonly ConversationItem[]): Promise<ConversationItem[]> {
      return store.transaction(async (trx) => {
        await trx
          .insertInto(CONVERSATIONS_TABLE)
          .values({ id: c.id, owner: c.owner, created_at: c.createdAt, metadata_json: JSON.stringify(c.metadata), deleted: 0, next_seq: items.length })
          .execute();
        const kept = await uniqueIds(trx, c.id, items);
        await insertItems(trx, c.id, 0, kept);
        return kept;
      });
    },

    /** Creates an empty conversation with this id unless one exists (LiteLLM ids); true when it made it. */
    async ensure(c: Pick<StoredConversation, 'id' | 'owner' | 'createdAt'>): Promise<boolean> {
      const res = await db
        .insertInto(CONVERSATIONS_TABLE)
        .values({ id: c.id, owner: c.owner, created_at: c.createdAt, metadata_json: '{}', deleted: 0, next_seq: 0 })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** The conversation with this id (deleted ones too), owned by `scope` (any owner for undefined). */
    async get(id: string, scope: string | undefined): Promise<StoredConversation | undefined> {
      let q = db.selectFrom(CONVERSATIONS_TABLE).selectAll().where('id', '=', id);
      if (scope !== undefined) q = q.where('owner', '=', scope);
      const row = (await q.executeTakeFirst()) as ConversationRow | undefined;
      return row ? fromRow(row) : undefined;
    },

    async setMetadata(id: string, metadata: Record<string, string>): Promise<boolean> {
      const res = await db.updateTable(CONVERSATIONS_TABLE).set({ metadata_json: JSON.stringify(metadata) }).where('id', '=', id).where('deleted', '=', 0).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /** Deletes a conversation: its items go, a tombstone stays (so its id is never reused). */
    async markDeleted(id: string): Promise<boolean> {
      return store.transaction(async (trx) => {
        const res = await trx.updateTable(CONVERSATIONS_TABLE).set({ deleted: 1 }).where('id', '=', id).where('deleted', '=', 0).executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return false;
        await trx.deleteFrom(ITEMS_TABLE).where('conversation_id', '=', id).execute();
        return true;
      });
    },

    /**
     * Appends items in one transaction, numbered after every item so far. Nothing is kept
     * when the conversation is deleted, or bound upstream (then the caller appends there).
     */
    async append(id: string, items: readonly ConversationItem[]): Promise<AppendResult> {
      if (items.length === 0) return { kind: 'appended', items: [] };
      return store.transaction(async (trx): Promise<AppendResult> => {
        const row = (await trx
          .updateTable(CONVERSATIONS_TABLE)
          .set({ next_seq: sql`next_seq + ${items.length}` })
          .where('id', '=', id)
          .where('deleted', '=', 0)
          .returning(['next_seq', 'deployment_id', 'upstream_id'])
          .executeTakeFirst()) as Pick<ConversationRow, 'next_seq' | 'deployment_id' | 'upstream_id'> | undefined;
        if (!row) return { kind: 'deleted' };
        if (row.deployment_id && row.upstream_id) {
          // bound meanwhile: the items belong upstream; throwing rolls the numbering back
          throw Object.assign(new Error('bound'), { bound: { kind: 'bound', deploymentId: row.deployment_id, upstreamId: row.upstream_id } });
        }
        const kept = await uniqueIds(trx, id, items);
        await insertItems(trx, id, Number(row.next_seq) - items.length, kept);
        return { kind: 'appended', items: kept };
      }).catch((err: unknown) => {
        const bound = (err as { bound?: AppendResult }).bound;
        if (bound) return bound;
        throw err;
      });
    },

    /**
     * Binds the conversation to the deployment that now holds it upstream, if nothing was
     * appended since `expectedNextSeq` was read; its local items go. False when it lost.
     */
    async bind(id: string, expectedNextSeq: number, deploymentId: string, upstreamId: string): Promise<boolean> {
      return store.transaction(async (trx) => {
        const res = await trx
          .updateTable(CONVERSATIONS_TABLE)
          .set({ deployment_id: deploymentId, upstream_id: upstreamId })
          .where('id', '=', id)
          .where('deleted', '=', 0)
          .where('deployment_id', 'is', null)
          .where('next_seq', '=', expectedNextSeq)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return false;
        await trx.deleteFrom(ITEMS_TABLE).where('conversation_id', '=', id).execute();
        return true;
      });
    },

    /** The numbering position of the next item (for {@link bind}). */
    async nextSeq(id: string): Promise<number> {
      const row = (await db.selectFrom(CONVERSATIONS_TABLE).select('next_seq').where('id', '=', id).executeTakeFirst()) as { next_seq: number | string } | undefined;
      return Number(row?.next_seq ?? 0);
    },

    /** One page of items after `afterSeq` (exclusive) in `order`, and whether more follow. */
    async page(id: string, options: { order: 'asc' | 'desc'; limit: number; afterSeq?: number }): Promise<{ rows: ItemRow[]; hasMore: boolean }> {
      let q = db.selectFrom(ITEMS_TABLE).select(['seq', 'item_json']).where('conversation_id', '=', id);
      if (options.afterSeq !== undefined) q = q.where('seq', options.order === 'asc' ? '>' : '<', options.afterSeq);
      const rows = (await q.orderBy('seq', options.order).limit(options.limit + 1).execute()) as Array<{ seq: number | string; item_json: string }>;
      const hasMore = rows.length > options.limit;
      return { rows: rows.slice(0, options.limit).map((r) => ({ seq: Number(r.seq), item: JSON.parse(r.item_json) as ConversationItem })), hasMore };
    },

    /** The position of an item in its conversation, or undefined. */
    async seqOf(id: string, itemId: string): Promise<number | undefined> {
      const row = (await db.selectFrom(ITEMS_TABLE).select('seq').where('conversation_id', '=', id).where('id', '=', itemId).executeTakeFirst()) as { seq: number | string } | undefined;
      return row ? Number(row.seq) : undefined;
    },

    async item(id: string, itemId: string): Promise<ConversationItem | undefined> {
      const row = (await db.selectFrom(ITEMS_TABLE).select('item_json').where('conversation_id', '=', id).where('id', '=', itemId).executeTakeFirst()) as { item_json: string } | undefined;
      return row ? (JSON.parse(row.item_json) as ConversationItem) : undefined;
    },

    async deleteItem(id: string, itemId: string): Promise<boolean> {
      const res = await db.deleteFrom(ITEMS_TABLE).where('conversation_id', '=', id).where('id', '=', itemId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    /**
     * Counts the tokens of the items not counted yet (once per item: the counts are kept) and
     * moves the conversation's `counted_until` past them.
     */
    async countTokens(id: string, count: CountTokens): Promise<void> {
      const row = (await db.selectFrom(CONVERSATIONS_TABLE).select(['counted_until', 'next_seq']).where('id', '=', id).executeTakeFirst()) as
        | { counted_until: number | string; next_seq: number | string }
        | undefined;
      if (!row || Number(row.counted_until) >= Number(row.next_seq)) return;
      let from = Number(row.counted_until);
      for (;;) {
        const page = (await db
          .selectFrom(ITEMS_TABLE)
          .select(['seq', 'item_json'])
          .where('conversation_id', '=', id)
          .where('seq', '>=', from)
          .where('tokens', 'is', null)
          .orderBy('seq', 'asc')
          .limit(INSERT_CHUNK)
          .execute()) as Array<{ seq: number | string; item_json: string }>;
        if (page.length === 0) break;
        await store.transaction(async (trx) => {
          for (const r of page) {
            const tokens = itemTokens(JSON.parse(r.item_json) as ConversationItem, count);
            await trx.updateTable(ITEMS_TABLE).set({ tokens }).where('conversation_id', '=', id).where('seq', '=', Number(r.seq)).execute();
          }
        });
        from = Number(page.at(-1)!.seq) + 1;
        if (page.length < INSERT_CHUNK) break;
      }
      await db.updateTable(CONVERSATIONS_TABLE).set({ counted_until: sql`case when counted_until < ${from} then ${from} else counted_until end` }).where('id', '=', id).execute();
    },

    /** The number of items and their summed tokens (one indexed aggregate). */
    async totals(id: string): Promise<{ count: number; tokens: number }> {
      const row = (await db
        .selectFrom(ITEMS_TABLE)
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('tokens').as('t')])
        .where('conversation_id', '=', id)
        .executeTakeFirst()) as { n: number | string; t: number | string | null } | undefined;
      return { count: Number(row?.n ?? 0), tokens: Number(row?.t ?? 0) };
    },

    /** Token counts of the newest items, newest first, before `beforeSeq` (exclusive). */
    async tokensNewestFirst(id: string, limit: number, beforeSeq?: number): Promise<Array<{ seq: number; tokens: number }>> {
      let q = db.selectFrom(ITEMS_TABLE).select(['seq', 'tokens']).where('conversation_id', '=', id);
      if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
      const rows = (await q.orderBy('seq', 'desc').limit(limit).execute()) as Array<{ seq: number | string; tokens: number | string }>;
      return rows.map((r) => ({ seq: Number(r.seq), tokens: Number(r.tokens) }));
    },

    /** Every item from `fromSeq` on, oldest first, read in pages. */
    async itemsFrom(id: string, fromSeq: number): Promise<ConversationItem[]> {
      const out: ConversationItem[] = [];
      let after = fromSeq - 1;
      for (;;) {
        const page = (await db
          .selectFrom(ITEMS_TABLE)
          .select(['seq', 'item_json'])
          .where('conversation_id', '=', id)
          .where('seq', '>', after)
          .orderBy('seq', 'asc')
          .limit(PAGE)
          .execute()) as Array<{ seq: number | string; item_json: string }>;
        for (const r of page) out.push(JSON.parse(r.item_json) as ConversationItem);
        if (page.length < PAGE) return out;
        after = Number(page.at(-1)!.seq);
      }
    },
  };
}

/** Rows read per query when a turn loads its history. */
const PAGE = 500;

/** The repository type. */
export type ConversationsRepo = ReturnType<typeof conversationsRepo>;
