import { createUser } from '../identity/use-cases/create-user.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import type { RegistrationView } from './registration-store.js';
import { approveRegistration } from './use-cases/approve-registration.js';
import { closeRegistration } from './use-cases/close-registration.js';
import { createPartner } from './use-cases/create-partner.js';
import { createProductLine } from './use-cases/create-product-line.js';
import { logRegistrationActivity } from './use-cases/log-registration-activity.js';
import { rejectRegistration } from './use-cases/reject-registration.js';
import { returnRegistration } from './use-cases/return-registration.js';
import { submitRegistration } from './use-cases/submit-registration.js';
import { sweepRegistrationExpiry } from './use-cases/sweep-registration-expiry.js';
import { updatePartner } from './use-cases/update-partner.js';

export type ChannelDemoSummary = {
  partners: number;
  portalUsers: number;
  productLines: number;
  registrations: number;
  conflicts: number;
  expiryDecisions: number;
  ms?: number;
};

const DAY = 86_400_000;
const emailOf = (name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.|\.$/g, '')}@demo.baton.dev`;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const CUSTOMERS = [
  'Acme Robotics',
  'Bluebird Logistics',
  'Cobalt Health',
  'Delta Foods',
  'Evergreen Schools',
  'Falcon Aerospace',
  'Granite Bank',
  'Harbor Retail',
  'Ion Energy',
  'Juniper Labs',
  'Kestrel Media',
  'Lumen Hotels',
];

/**
 * The channel demo, written through the use cases (audit + outbox consistent): product lines from the product
 * series, three distributors of different tiers with channel managers and portal users, registrations in every
 * state, a partner-vs-partner conflict, an expiring and an expired registration, and 12 months of scorecard history.
 */
export async function seedChannelDemo(
  ctx: UseCaseContext,
  options: { northwindId: string; password: string; onProgress?: () => void },
): Promise<ChannelDemoSummary> {
  const tick = () => options.onProgress?.();
  const now = ctx.clock.now();
  const at = (ms: number): UseCaseContext => ({ ...ctx, clock: { now: () => new Date(ms) } });
  const userId = async (name: string) =>
    (await ctx.db.selectFrom('users').select('id').where('email', '=', emailOf(name)).executeTakeFirstOrThrow()).id;
  const chandra = await userId('Chandra Channel');
  const colin = await userId('Colin Channel');
  // Reviews and closes are people's decisions: the demo's channel manager makes them.
  const review = (ms: number): UseCaseContext => ({
    ...at(ms),
    actor: { kind: 'user', userId: chandra, role: 'channel_manager', partnerId: null, label: 'Chandra Channel', via: 'token' },
  });

  const existingLines = new Set((await ctx.db.selectFrom('product_lines').select('code').execute()).map((r) => r.code));
  const lines = [
    { code: 'GTX', name: 'GTX series' },
    { code: 'GTK', name: 'GTK series' },
    { code: 'MG', name: 'MG series' },
  ];
  for (const line of lines) if (!existingLines.has(line.code)) await createProductLine(ctx, { code: line.code, name: line.name });
  tick();

  const northwind = await ctx.db.selectFrom('partners').select('version').where('id', '=', options.northwindId).executeTakeFirstOrThrow();
  await updatePartner(ctx, {
    partnerId: options.northwindId,
    expectedVersion: northwind.version,
    changes: { tier: 'gold', territory: ['Central', 'East'], domains: ['northwind.example'], channelManagerId: chandra },
  });
  const contoso = await createPartner(ctx, {
    name: 'Contoso Supply',
    tier: 'silver',
    territory: ['East', 'West'],
    domains: ['contoso.example'],
    channelManagerId: colin,
  });
  const fabrikam = await createPartner(ctx, {
    name: 'Fabrikam Partners',
    tier: 'registered',
    territory: ['Central'],
    domains: ['fabrikam.example'],
    channelManagerId: chandra,
  });
  let portalUsers = 0;
  for (const [name, role, partnerId] of [
    ['Cora Contoso', 'partner_admin', contoso.id],
    ['Carl Contoso', 'partner_user', contoso.id],
    ['Fay Fabrikam', 'partner_admin', fabrikam.id],
  ] as const) {
    await createUser(ctx, { email: emailOf(name), name, role, partnerId, password: options.password });
    portalUsers++;
  }
  tick();

  let n = 0;
  const submit = (when: number, partnerId: string, customer: string, line: string, amountMinor: number): Promise<RegistrationView> => {
    n++;
    const slug = customer.toLowerCase().replace(/[^a-z]+/g, '');
    return submitRegistration(at(when), {
      partnerId,
      customerName: customer,
      customerDomain: `${slug}.example`,
      customerCountry: 'US',
      productLine: line,
      amountMinor,
      expectedCloseDate: isoDate(new Date(when + 60 * DAY)),
    });
  };
  const approve = (when: number, r: RegistrationView, override = false) =>
    approveRegistration(review(when), {
      registrationId: r.id,
      expectedVersion: r.version,
      input: override ? { overrideFlags: true, reason: 'Demo: approved after review' } : {},
    });
  const close = (when: number, r: RegistrationView, outcome: 'won' | 'lost' | 'withdrawn') =>
    closeRegistration(review(when), { registrationId: r.id, expectedVersion: r.version, input: { outcome } });

  // 12 months of closed history: Northwind wins often, Contoso sometimes, Fabrikam rarely (the paper partner).
  const history: Array<[string, number]> = [
    [options.northwindId, 0.7],
    [contoso.id, 0.45],
    [fabrikam.id, 0.1],
  ];
  for (let month = 11; month >= 1; month--) {
    for (const [p, [partnerId, winRate]] of history.entries()) {
      const start = now.getTime() - month * 30 * DAY + p * DAY;
      const customer = `${CUSTOMERS[(month + p * 4) % CUSTOMERS.length]} ${month}${p}`;
      const line = lines[(month + p) % lines.length]!.code;
      const reg = await submit(start, partnerId, customer, line, 1_500_000 + ((month * 7919 + p * 104_729) % 9_000_000));
      const approved = await approve(start + 2 * DAY, reg, reg.flags.length > 0);
      const won = (month * 37 + p * 11) % 100 < winRate * 100;
      await close(start + 20 * DAY + (month % 5) * 3 * DAY, approved, won ? 'won' : 'lost');
    }
    tick();
  }

  // Current work, one registration in every state.
  const t = now.getTime();
  const underReview = await submit(t - 2 * 3_600_000, options.northwindId, 'Pinnacle Manufacturing', 'GTX', 4_800_000);
  const fresh = await submit(t - 5 * DAY, options.northwindId, 'Quartz Analytics', 'MG', 2_250_000);
  const freshApproved = await approve(t - 4 * DAY, fresh);
  await logRegistrationActivity(review(t - DAY), freshApproved.id, { kind: 'meeting', subject: 'Solution workshop with the customer' });
  const expiring = await submit(t - 86 * DAY, contoso.id, 'Riverside Clinics', 'GTK', 3_100_000);
  await approve(t - 85 * DAY, expiring);
  const expired = await submit(t - 100 * DAY, fabrikam.id, 'Summit Outdoor', 'GTX', 1_900_000);
  await approve(t - 99 * DAY, expired);
  const returned = await submit(t - 3 * DAY, contoso.id, 'Tidal Water Works', 'MG', 5_600_000);
  await returnRegistration(review(t - 2 * DAY), {
    registrationId: returned.id,
    expectedVersion: returned.version,
    input: { infoRequest: 'Please add the customer contact and the decision timeline.' },
  });
  const rejected = await submit(t - 6 * DAY, fabrikam.id, 'Umbra Security', 'GTK', 800_000);
  await rejectRegistration(review(t - 5 * DAY), {
    registrationId: rejected.id,
    expectedVersion: rejected.version,
    input: { decisionCode: 'not_qualified', internalNote: 'No technical resources for this segment.' },
  });
  const withdrawn = await submit(t - 20 * DAY, options.northwindId, 'Vertex Studios', 'GTK', 1_200_000);
  await close(t - 10 * DAY, await approve(t - 19 * DAY, withdrawn), 'withdrawn');
  const won = await submit(t - 40 * DAY, contoso.id, 'Willow Pharmacy', 'GTX', 7_300_000);
  await close(t - 6 * DAY, await approve(t - 38 * DAY, won), 'won');
  const lost = await submit(t - 45 * DAY, fabrikam.id, 'Xenon Freight', 'MG', 2_900_000);
  await close(t - 8 * DAY, await approve(t - 43 * DAY, lost), 'lost');
  // A second partner on the same customer and product line as Northwind's approved one: flagged, conflict case.
  await submit(t - 3_600_000, contoso.id, 'Quartz Analytics', 'MG', 2_400_000);
  tick();
  // The expiry timers as the cron task runs them: warn the expiring one, expire the one past its window.
  await sweepRegistrationExpiry(ctx);
  tick();
  void underReview;

  const conflicts = await ctx.db
    .selectFrom('conflict_cases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const decisions = await ctx.db
    .selectFrom('expiry_decisions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    partners: 3,
    portalUsers: portalUsers + 2,
    productLines: lines.length,
    registrations: n,
    conflicts: Number(conflicts.n),
    expiryDecisions: Number(decisions.n),
  };
}
