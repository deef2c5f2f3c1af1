import { assertCan } from '../../platform/access/can.js';
import type { Role } from '../../platform/db/database.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type UserView, userView } from '../views.js';

export type UserFilter = { role?: Role; teamId?: string; status?: 'active' | 'deactivated'; q?: string; limit: number; cursor?: string };

export async function listUsers(ctx: UseCaseContext, filter: UserFilter): Promise<Page<UserView>> {
  assertCan(ctx.actor, 'user.read');
  let query = ctx.db.selectFrom('users').selectAll().orderBy('email').orderBy('id').limit(filter.limit + 1);
  if (ctx.actor.partnerId !== null) query = query.where('partner_id', '=', ctx.actor.partnerId);
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.teamId) query = query.where('team_id', '=', filter.teamId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('email', 'ilike', like), eb('name', 'ilike', like)]));
  }
  if (filter.cursor) {
    const [email, id] = decodeCursor(filter.cursor, 2) as [string, string];
    query = query.where((eb) => eb.or([eb('email', '>', email), eb.and([eb('email', '=', email), eb('id', '>', id)])]));
  }
  return toPage(await query.execute(), filter.limit, userView, (u) => [u.email, u.id]);
}
