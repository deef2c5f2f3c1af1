import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { findTeamById } from '../store.js';
import { type TeamView, teamView } from '../views.js';

export async function listTeams(ctx: UseCaseContext): Promise<{ items: TeamView[]; nextCursor: null }> {
  assertCan(ctx.actor, 'team.read');
  const rows = await ctx.db.selectFrom('teams').selectAll().orderBy('name').execute();
  return { items: rows.map(teamView), nextCursor: null };
}

export async function getTeam(ctx: UseCaseContext, teamId: string): Promise<TeamView> {
  assertCan(ctx.actor, 'team.read');
  const row = await findTeamById(ctx.db, teamId);
  if (!row) throw notFound('team');
  return teamView(row);
}
