import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { poolMembersWithLoad } from '../store.js';
import { type PoolView, poolView } from '../views.js';

export async function listPools(ctx: UseCaseContext): Promise<{ items: PoolView[] }> {
  assertCan(ctx.actor, 'pool.read');
  const [pools, members] = await Promise.all([
    ctx.db.selectFrom('pools').selectAll().orderBy('name').execute(),
    ctx.db.selectFrom('pool_members').selectAll().orderBy('position').execute(),
  ]);
  return { items: pools.map((p) => poolView(p, members.filter((m) => m.pool_id === p.id))) };
}

/** The pool with its live fairness state: each member's load against caps and availability right now. */
export async function getPool(ctx: UseCaseContext, id: string) {
  assertCan(ctx.actor, 'pool.read');
  const pool = await ctx.db.selectFrom('pools').selectAll().where('id', '=', id).executeTakeFirst();
  if (!pool) throw notFound('pool');
  const members = await ctx.db.selectFrom('pool_members').selectAll().where('pool_id', '=', id).orderBy('position').execute();
  const caps = (pool.criteria_caps as Array<{ name: string }>).map((c) => c.name);
  const load = await poolMembersWithLoad(ctx.db, id, ctx.clock.now(), caps);
  const names = new Map((await ctx.db.selectFrom('users').select(['id', 'name']).where('id', 'in', members.length ? members.map((m) => m.user_id) : ['00000000-0000-0000-0000-000000000000']).execute()).map((u) => [u.id, u.name]));
  return {
    ...poolView(pool, members),
    live: load.map((m) => ({
      userId: m.userId,
      name: names.get(m.userId) ?? '',
      active: m.status === 'active',
      away: m.away,
      openCount: m.openCount,
      wipCap: m.wipCap,
      assignedToday: m.assignedToday,
      assignedThisWeek: m.assignedThisWeek,
      openByCap: m.openByCap,
    })),
  };
}
