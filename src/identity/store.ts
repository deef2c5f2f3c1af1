import type { Executor } from '../platform/db/database.js';

export const findUserById = (db: Executor, id: string) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const lockUserById = (db: Executor, id: string) =>
  db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const findUserByEmail = (db: Executor, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();

export const emailTaken = async (db: Executor, email: string) =>
  (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined;

export const findTeamById = (db: Executor, id: string) =>
  db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();

export const lockTeamById = (db: Executor, id: string) =>
  db.selectFrom('teams').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const teamNameTaken = async (db: Executor, name: string, exceptId?: string) => {
  let query = db.selectFrom('teams').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
};

export const findCalendarById = (db: Executor, id: string) =>
  db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();

export const lockCalendarById = (db: Executor, id: string) =>
  db.selectFrom('calendars').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const calendarNameTaken = async (db: Executor, name: string, exceptId?: string) => {
  let query = db.selectFrom('calendars').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
};

export const findPartnerById = (db: Executor, id: string) =>
  db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();

export const countActiveAdmins = async (db: Executor) =>
  Number(
    (
      await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('role', '=', 'admin')
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow()
    ).n,
  );

export const findSessionByTokenHash = (db: Executor, tokenHash: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.revoked_at',
      'users.id as user_id',
      'users.role',
      'users.partner_id',
      'users.email',
      'users.status',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();

export const findApiTokenByHash = (db: Executor, tokenHash: string) =>
  db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.id as user_id',
      'users.role',
      'users.partner_id',
      'users.email',
      'users.status',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();

export const revokeUserSessions = (db: Executor, userId: string, at: Date, reason: string) =>
  db
    .updateTable('sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();

export const revokeUserTokens = (db: Executor, userId: string, at: Date) =>
  db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
