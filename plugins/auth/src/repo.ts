/**
 * Reads and writes of keys, users and teams (one query layer for SQLite and PostgreSQL).
 */
import type { AnyKysely } from '@switchyard/store';
import { KEYS_TABLE, TEAMS_TABLE, USERS_TABLE } from './migrations.js';
import {
  keyFromRow,
  keyToRow,
  teamFromRow,
  teamToRow,
  userFromRow,
  userToRow,
  type KeyRecord,
  type KeyRow,
  type TeamRecord,
  type TeamRow,
  type UserRecord,
  type UserRow,
} from './records.js';

/** Filters of key lists. */
export interface KeyFilter {
  userId?: string;
  teamId?: string;
  keyAlias?: string;
  /** Only this key (a non-admin's list). */
  id?: string;
}

/** One page by number (LiteLLM's lists page this way). */
export interface PageRequest {
  page: number;
  size: number;
}

/**
 * The repository.
 *
 * @example
 * ```ts
 * const repo = authRepo(store.db);
 * const key = await repo.keyByHash(hashKey(presented));
 * ```
 */
export function authRepo(db: AnyKysely) {
  const keysWhere = (f: KeyFilter) => {
    let q = db.selectFrom(KEYS_TABLE);
    if (f.id !== undefined) q = q.where('id', '=', f.id);
    if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
    if (f.teamId !== undefined) q = q.where('team_id', '=', f.teamId);
    if (f.keyAlias !== undefined) q = q.where('key_alias', '=', f.keyAlias);
    return q;
  };
  return {
    async insertKey(k: KeyRecord): Promise<void> {
      await db.insertInto(KEYS_TABLE).values(keyToRow(k)).execute();
    },
    async updateKey(k: KeyRecord): Promise<void> {
      const { id: _id, ...row } = keyToRow(k);
      await db.updateTable(KEYS_TABLE).set(row).where('id', '=', k.id).execute();
    },
    async keyByHash(hash: string): Promise<KeyRecord | undefined> {
      const row = (await db.selectFrom(KEYS_TABLE).selectAll().where('hash', '=', hash).executeTakeFirst()) as KeyRow | undefined;
      return row && keyFromRow(row);
    },
    async keyById(id: string): Promise<KeyRecord | undefined> {
      const row = (await db.selectFrom(KEYS_TABLE).selectAll().where('id', '=', id).executeTakeFirst()) as KeyRow | undefined;
      return row && keyFromRow(row);
    },
    async keysByAlias(aliases: readonly string[]): Promise<KeyRecord[]> {
      if (aliases.length === 0) return [];
      const rows = (await db.selectFrom(KEYS_TABLE).selectAll().where('key_alias', 'in', aliases).execute()) as KeyRow[];
      return rows.map(keyFromRow);
    },
    async listKeys(f: KeyFilter, page?: PageRequest): Promise<{ keys: KeyRecord[]; total: number }> {
      const count = (await keysWhere(f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()) as { n: number | string } | undefined;
      let q = keysWhere(f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
      if (page) q = q.limit(page.size).offset((page.page - 1) * page.size);
      const rows = (await q.execute()) as KeyRow[];
      return { keys: rows.map(keyFromRow), total: Number(count?.n ?? 0) };
    },
    async deleteKeys(ids: readonly string[]): Promise<void> {
      if (ids.length > 0) await db.deleteFrom(KEYS_TABLE).where('id', 'in', ids).execute();
    },

    async insertUser(u: UserRecord): Promise<void> {
      await db.insertInto(USERS_TABLE).values(userToRow(u)).execute();
    },
    async updateUser(u: UserRecord): Promise<void> {
      const { user_id: _id, ...row } = userToRow(u);
      await db.updateTable(USERS_TABLE).set(row).where('user_id', '=', u.userId).execute();
    },
    async user(id: string): Promise<UserRecord | undefined> {
      const row = (await db.selectFrom(USERS_TABLE).selectAll().where('user_id', '=', id).executeTakeFirst()) as UserRow | undefined;
      return row && userFromRow(row);
    },
    async listUsers(page: PageRequest): Promise<{ users: UserRecord[]; total: number }> {
      const count = (await db.selectFrom(USERS_TABLE).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()) as { n: number | string } | undefined;
      const rows = (await db.selectFrom(USERS_TABLE).selectAll().orderBy('created_at', 'desc').orderBy('user_id').limit(page.size).offset((page.page - 1) * page.size).execute()) as UserRow[];
      return { users: rows.map(userFromRow), total: Number(count?.n ?? 0) };
    },
    async deleteUsers(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.deleteFrom(KEYS_TABLE).where('user_id', 'in', ids).execute();
      await db.deleteFrom(USERS_TABLE).where('user_id', 'in', ids).execute();
    },

    async insertTeam(t: TeamRecord): Promise<void> {
      await db.insertInto(TEAMS_TABLE).values(teamToRow(t)).execute();
    },
    async updateTeam(t: TeamRecord): Promise<void> {
      const { team_id: _id, ...row } = teamToRow(t);
      await db.updateTable(TEAMS_TABLE).set(row).where('team_id', '=', t.teamId).execute();
    },
    async team(id: string): Promise<TeamRecord | undefined> {
      const row = (await db.selectFrom(TEAMS_TABLE).selectAll().where('team_id', '=', id).executeTakeFirst()) as TeamRow | undefined;
      return row && teamFromRow(row);
    },
    async teams(ids: readonly string[]): Promise<TeamRecord[]> {
      if (ids.length === 0) return [];
      const rows = (await db.selectFrom(TEAMS_TABLE).selectAll().where('team_id', 'in', ids).execute()) as TeamRow[];
      return rows.map(teamFromRow);
    },
    async listTeams(): Promise<TeamRecord[]> {
      const rows = (await db.selectFrom(TEAMS_TABLE).selectAll().orderBy('created_at', 'desc').orderBy('team_id').execute()) as TeamRow[];
      return rows.map(teamFromRow);
    },
    async deleteTeams(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.deleteFrom(KEYS_TABLE).where('team_id', 'in', ids).execute();
      await db.deleteFrom(TEAMS_TABLE).where('team_id', 'in', ids).execute();
    },
  };
}

/** The repository type. */
export type AuthRepo = ReturnType<typeof authRepo>;
