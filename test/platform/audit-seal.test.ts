import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/audit/verify-audit-trail.js';
import { createTeam } from '../../src/identity/use-cases/create-team.js';
import { sealAudit } from '../../src/platform/audit/seal-audit.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { recordChange } from '../../src/platform/record-change.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const verify = () => verifyAuditTrail(t.system, t.database.checkpoints);
const counts = async () => {
  const { rows } = await t.database.superuser<{ events: string; seals: string; distinct_events: string }>(
    'select (select count(*) from audit_events) as events, (select count(*) from audit_seals) as seals, (select count(distinct event_seq) from audit_seals) as distinct_events',
  );
  return { events: Number(rows[0]!.events), seals: Number(rows[0]!.seals), sealedEvents: Number(rows[0]!.distinct_events) };
};

describe('sealing the audit chain after commit', () => {
  it('seals a row whose transaction commits after a younger one was sealed — once, after it', async () => {
    const slow = new pg.Client({ connectionString: t.database.appUrl });
    await slow.connect();
    await slow.query('begin');
    const { rows } = await slow.query<{ seq: string }>(
      `insert into audit_events (id, occurred_at, event_name, entity_type, entity_id, actor_label) values (gen_random_uuid(), now(), 'team.created', 'team', 'slow', 'slow writer') returning seq`,
    );
    await createTeam(t.system, { name: 'Committed first' });
    await sealAudit(t.database.db);
    const before = await counts();
    expect(before.seals).toBe(before.events);
    await slow.query('commit');
    await slow.end();
    // (A background pass after the team's commit may get there first; either way the row is sealed once.)
    await sealAudit(t.database.db);
    expect(await sealAudit(t.database.db)).toBe(0);
    expect(await counts()).toEqual({ events: before.events + 1, seals: before.events + 1, sealedEvents: before.events + 1 });
    const positions = await t.database.superuser('select position, event_seq from audit_seals order by position');
    expect(positions.rows.at(-1)!.event_seq).toBe(rows[0]!.seq);
    expect(await verify()).toMatchObject({ ok: true, rows: before.events + 1, pending: 0 });
  });

  it('never makes a writer wait: a write commits while the chain head is held', async () => {
    const sealer = new pg.Client({ connectionString: t.database.superuserUrl });
    await sealer.connect();
    await sealer.query('begin');
    await sealer.query('select * from audit_chain_head for update');
    const team = await createTeam(t.system, { name: 'Written past a busy sealer' });
    expect(team.name).toBe('Written past a busy sealer');
    await sealer.query('commit');
    await sealer.end();
    expect(await verify()).toMatchObject({ ok: true, rows: 1, pending: 0 });
  });

  it('seals every row exactly once while writers and several sealers run at the same time', async () => {
    let writing = true;
    const sealers = Array.from({ length: 3 }, async () => {
      while (writing) await sealAudit(t.database.db);
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => createTeam(t.system, { name: `Concurrent team ${i}` })));
    writing = false;
    await Promise.all(sealers);
    await sealAudit(t.database.db);
    expect(await counts()).toEqual({ events: 40, seals: 40, sealedEvents: 40 });
    expect(await verify()).toMatchObject({ ok: true, rows: 40, pending: 0 });
  });

  it('leaves nothing of a rolled-back write: no event, no seal, no gap in the chain', async () => {
    await createTeam(t.system, { name: 'Kept' });
    await expect(
      inTransaction(t.system, async (trx) => {
        await recordChange(trx, t.system, { event: 'team.created', entityType: 'team', entityId: 'gone', after: { name: 'gone' } });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await createTeam(t.system, { name: 'Also kept' });
    expect(await verify()).toMatchObject({ ok: true, rows: 2, pending: 0 });
  });
});
