import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { createPartner } from '../channel/use-cases/create-partner.js';
import { STANDARD_WEEK } from '../identity/core/calendar.js';
import { createCalendar } from '../identity/use-cases/create-calendar.js';
import { createTeam } from '../identity/use-cases/create-team.js';
import { createUser } from '../identity/use-cases/create-user.js';
import { updateUser } from '../identity/use-cases/update-user.js';
import type { Role } from '../platform/db/database.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { type RoutingDemoSummary, seedRoutingDemo } from '../routing/seed-routing-demo.js';
import { seedOrdersDemo } from '../orders/seed-orders-demo.js';
import { type ChannelDemoSummary, seedChannelDemo } from '../channel/seed-channel-demo.js';

const SalesTeamRow = z.object({ sales_agent: z.string().min(1), manager: z.string().min(1), regional_office: z.enum(['Central', 'East', 'West']) });

const OFFICES = {
  Central: { zone: 'America/Chicago' },
  East: { zone: 'America/New_York' },
  West: { zone: 'America/Los_Angeles' },
} as const;

// US federal holidays observed by the demo company.
const HOLIDAYS = ['2026-11-26', '2026-12-25', '2027-01-01', '2027-01-18', '2027-02-15', '2027-05-31', '2027-07-05', '2027-09-06', '2027-11-25', '2027-12-24'];

const emailOf = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, '.').replace(/^\.|\.$/g, '')}@demo.baton.dev`;

export type DemoSummary = { seeded: boolean; teams: number; users: number; password: string; routing?: RoutingDemoSummary; channel?: ChannelDemoSummary };

/**
 * The demo organisation: the sales teams of the CRM sample dataset (35 reps, 6 managers, 3 regional offices
 * in three time zones), plus one user of every other role and a distributor with its two portal users.
 */
export async function seedDemo(ctx: UseCaseContext, options: { dataDir: string; password: string; onProgress?: (done: number, total: number) => void }): Promise<DemoSummary> {
  const existing = await ctx.db.selectFrom('users').select('id').where('email', 'like', '%@demo.baton.dev').limit(1).executeTakeFirst();
  if (existing) return { seeded: false, teams: 0, users: 0, password: options.password };

  const rows = z.array(SalesTeamRow).parse(parse(fs.readFileSync(path.join(options.dataDir, 'sales_teams.csv')), { columns: true, skip_empty_lines: true, trim: true }));
  const managers = [...new Map(rows.map((r) => [r.manager, r.regional_office])).entries()];
  const extraUsers: Array<{ name: string; role: Role }> = [
    { name: 'Riley RevOps', role: 'revops' },
    { name: 'Chandra Channel', role: 'channel_manager' },
    { name: 'Colin Channel', role: 'channel_manager' },
    { name: 'Olga Operations', role: 'ops' },
    { name: 'Farah Finance', role: 'finance' },
    { name: 'Ingrid Integration', role: 'integration' },
  ];
  const ROUTING_STEPS = 5;
  const CHANNEL_STEPS = 15;
  const total = 3 + managers.length * 2 + rows.length + extraUsers.length + 3 + ROUTING_STEPS + CHANNEL_STEPS;
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);

  const calendars = new Map<string, string>();
  for (const [office, { zone }] of Object.entries(OFFICES)) {
    const calendar = await createCalendar(ctx, { name: `${office} office`, timeZone: zone, weeklyHours: STANDARD_WEEK, holidays: HOLIDAYS });
    calendars.set(office, calendar.id);
    tick();
  }
  const teamOfManager = new Map<string, string>();
  for (const [manager, office] of managers) {
    const user = await createUser(ctx, { email: emailOf(manager), name: manager, role: 'sales_manager', calendarId: calendars.get(office), password: options.password });
    tick();
    const team = await createTeam(ctx, { name: `${office} · ${manager.split(' ')[0]}'s team`, managerId: user.id, calendarId: calendars.get(office) });
    teamOfManager.set(manager, team.id);
    await updateUser(ctx, { userId: user.id, expectedVersion: user.version, changes: { teamId: team.id } });
    tick();
  }
  await Promise.all(
    rows.map(async (row) => {
      await createUser(ctx, { email: emailOf(row.sales_agent), name: row.sales_agent, role: 'sales_rep', teamId: teamOfManager.get(row.manager), calendarId: calendars.get(row.regional_office), password: options.password });
      tick();
    }),
  );
  for (const extra of extraUsers) {
    await createUser(ctx, { email: emailOf(extra.name), name: extra.name, role: extra.role, calendarId: calendars.get('Central'), password: options.password });
    tick();
  }
  const partner = await createPartner(ctx, { name: 'Northwind Distribution' });
  tick();
  for (const [name, role] of [['Nora Northwind', 'partner_admin'], ['Ned Northwind', 'partner_user']] as const) {
    await createUser(ctx, { email: emailOf(name), name, role, partnerId: partner.id, password: options.password });
    tick();
  }
  const users = done - 3 - managers.length - 1;
  const routing = await seedRoutingDemo(ctx, { dataDir: options.dataDir, onProgress: tick });
  await seedOrdersDemo(ctx);
  const channelStarted = Date.now();
  const channel = await seedChannelDemo(ctx, { northwindId: partner.id, password: options.password, onProgress: tick });
  return { seeded: true, teams: managers.length, users, password: options.password, routing, channel: { ...channel, ms: Date.now() - channelStarted } };
}
