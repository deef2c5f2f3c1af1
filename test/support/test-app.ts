import pino from 'pino';
import { type AppDeps, buildApp } from '../../src/app.js';
import { createApiToken } from '../../src/identity/use-cases/create-api-token.js';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import { systemActor } from '../../src/platform/access/actor.js';
import { type Clock, systemClock } from '../../src/platform/clock.js';
import type { Role } from '../../src/platform/db/database.js';
import type { App } from '../../src/platform/http/server.js';
import type { UseCaseContext } from '../../src/platform/use-case-context.js';
import { type TestDatabase, createTestDatabase } from './test-db.js';

export type TestApp = {
  app: App;
  database: TestDatabase;
  clock: Clock;
  system: UseCaseContext;
  /** A user of `role` with a bearer token; partner roles get a partner of their own unless one is given. */
  userWithToken(role: Role, options?: { partnerId?: string; password?: string }): Promise<{ id: string; email: string; token: string; headers: { authorization: string } }>;
  close(): Promise<void>;
};

let counter = 0;

export async function createTestApp(options: { clock?: Clock; deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = options.clock ?? systemClock;
  const app = await buildApp({
    db: database.db,
    pool: database.pool,
    clock,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    checkpoints: database.checkpoints,
    cookieSecret: database.secrets.cookieSecret,
    version: 'test',
    rateLimit: { max: 100_000, timeWindow: '1 minute' },
    // The test process is client and server at once: on a busy CI box its own event loop would trip the 503.
    loadShedding: false,
    ...options.deps,
  });
  await app.ready();
  const system: UseCaseContext = { db: database.db, clock, actor: systemActor('test') };
  return {
    app,
    database,
    clock,
    system,
    userWithToken: async (role, opts = {}) => {
      const n = ++counter;
      let partnerId = opts.partnerId;
      if (!partnerId && (role === 'partner_admin' || role === 'partner_user')) partnerId = (await createPartner(system, { name: `Partner ${n} ${Math.random()}` })).id;
      const user = await createUser(system, { email: `${role}.${n}.${Date.now()}@test.baton.dev`, name: `${role} ${n}`, role, partnerId, password: opts.password });
      const token = await createApiToken(system, { name: 'test', userId: user.id });
      return { id: user.id, email: user.email, token: token.token, headers: { authorization: `Bearer ${token.token}` } };
    },
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A problem body without the per-request parts, for "answers exactly like" comparisons. */
export const stableProblem = (body: string) => {
  const { instance: _instance, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return rest;
};
