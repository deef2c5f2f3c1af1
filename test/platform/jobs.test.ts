import fs from 'node:fs';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../src/app.js';
import { createTeam } from '../../src/identity/use-cases/create-team.js';
import { systemClock } from '../../src/platform/clock.js';
import { startWorkers } from '../../src/platform/jobs/worker.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { systemActor } from '../../src/platform/access/actor.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('graphile-worker under the app role', () => {
  it('runs a job enqueued inside a business transaction, and writes the audit checkpoint', async () => {
    await createTeam({ db: database.db, clock: systemClock, actor: systemActor('test') }, { name: 'Job team' });
    await database.db.transaction().execute(async (trx) => {
      await sql`select graphile_worker.add_job('checkpoint_audit', '{}'::json)`.execute(trx);
    });
    const runner = await startWorkers({ pool: database.pool, logger: pino({ level: 'silent' }), ...buildTasks({ db: database.db, clock: systemClock, checkpoints: database.checkpoints }) });
    try {
      const deadline = Date.now() + 10_000;
      while (!fs.existsSync(database.checkpoints.file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(fs.readFileSync(database.checkpoints.file, 'utf8')).toMatch(/"seq":1,/);
    } finally {
      await runner.stop();
    }
  });

  it('a job enqueued in a transaction that rolls back never runs', async () => {
    await database.db
      .transaction()
      .execute(async (trx) => {
        await sql`select graphile_worker.add_job('purge_sessions', '{}'::json)`.execute(trx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const jobs = await sql<{ n: string }>`select count(*) as n from graphile_worker.jobs where task_identifier = 'purge_sessions'`.execute(database.db);
    expect(Number(jobs.rows[0]!.n)).toBe(0);
  });
});
