import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/audit/verify-audit-trail.js';
import { createTeam } from '../../src/identity/use-cases/create-team.js';
import { updateTeam } from '../../src/identity/use-cases/update-team.js';
import { checkpointAudit } from '../../src/platform/audit/checkpoint-audit.js';
import { GENESIS_HASH, chainedEvent, hashRow } from '../../src/platform/audit/chain.js';
import { sealAudit } from '../../src/platform/audit/seal-audit.js';
import type { AuditEventRow } from '../../src/platform/db/database.js';
import { projectRoot } from '../../src/runtime.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

const run = promisify(execFile);
let t: TestApp;

beforeEach(async () => {
  t = await createTestApp();
  for (let i = 1; i <= 6; i++) {
    const team = await createTeam(t.system, { name: `Audit team ${i}` });
    await updateTeam(t.system, { teamId: team.id, expectedVersion: 1, changes: { name: `Audit team ${i}b`, reason: 'rename' } });
  }
  // Writers seal shortly after commit; the attacks below come after that.
  await sealAudit(t.database.db);
});
afterEach(() => t.close());

const verify = () => verifyAuditTrail(t.system, t.database.checkpoints);
// The attacker: a superuser who has switched off the append-only triggers (and, where it says so, foreign keys).
const tamper = async (statement: string, values?: unknown[], triggers: 'user' | 'all' = 'user') => {
  await t.database.superuser(`alter table audit_events disable trigger ${triggers}; alter table audit_seals disable trigger ${triggers}`);
  return t.database.superuser(statement, values);
};

describe('audit verify against the real database', () => {
  it('passes on an untouched trail, with checkpoints', async () => {
    await checkpointAudit(t.database.db, t.database.checkpoints, t.clock);
    expect(await verify()).toMatchObject({ ok: true, rows: 12, headSeq: 12, checkpoints: 1 });
  });

  it('names the row whose content was edited in SQL', async () => {
    await tamper(`update audit_events set reason = 'nothing to see' where seq = 4`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'hash' });
  });

  it('names the gap left by a deleted row, with or without its seal', async () => {
    await tamper(`delete from audit_events where seq = 7`, [], 'all');
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 7, problem: 'gap' });
    await tamper(`delete from audit_seals where event_seq = 7`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 7, problem: 'gap' });
  });

  it('catches an inserted row and reordered rows', async () => {
    await tamper(`update audit_seals set position = position + 100 where position >= 9; update audit_seals set position = position - 99 where position >= 109`);
    const forged = await tamper(
      `insert into audit_events (id, occurred_at, event_name, entity_type, entity_id, actor_id, actor_label, reason, request_id, before, after)
       select gen_random_uuid(), occurred_at, event_name, entity_type, entity_id, actor_id, actor_label, 'forged', request_id, before, after from audit_events where seq = 8 returning seq`,
    );
    await tamper(`insert into audit_seals (position, event_seq, prev_hash, hash) select 9, $1, prev_hash, hash from audit_seals where position = 8`, [forged.rows[0]!.seq]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 9 });
    await tamper(`delete from audit_seals where position = 9; update audit_seals set position = position + 100 where position >= 10; update audit_seals set position = position - 101 where position >= 110`);
    await tamper(`delete from audit_events where reason = 'forged'`);
    expect(await verify()).toMatchObject({ ok: true, rows: 12 });
    // Swap 10 and 11.
    await tamper(`update audit_seals set position = 1000 where position = 10; update audit_seals set position = 10 where position = 11; update audit_seals set position = 11 where position = 1000`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 10, problem: 'prev_hash' });
  });

  it('catches an event slipped in behind the sealer, which no seal will ever cover', async () => {
    await tamper(
      `insert into audit_events (id, occurred_at, event_name, entity_type, entity_id, actor_label, xid)
       values (gen_random_uuid(), now(), 'team.created', 'team', 'x', 'nobody', '3'::xid8)`,
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 13, problem: 'unsealed' });
  });

  it('catches tail truncation against the signed checkpoint', async () => {
    await checkpointAudit(t.database.db, t.database.checkpoints, t.clock);
    await tamper(`delete from audit_seals where position > 9; delete from audit_events where seq > 9`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 10, problem: 'truncated' });
  });

  it('catches a chain recomputed by someone with write access, via the checkpoint', async () => {
    await checkpointAudit(t.database.db, t.database.checkpoints, t.clock);
    await tamper(`update audit_events set reason = 'rewritten' where seq = 5`);
    // Recompute every hash, as a careful attacker would.
    const rows = (await t.database.superuser<AuditEventRow & { position: string }>('select s.position, e.* from audit_seals s join audit_events e on e.seq = s.event_seq order by s.position')).rows;
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const hash = hashRow(chainedEvent(r, Number(r.position), prev));
      await tamper('update audit_seals set prev_hash = $1, hash = $2 where position = $3', [prev, hash, r.position]);
      prev = hash;
    }
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 1, problem: 'checkpoint_mismatch' });
  });

  it('rejects a forged checkpoint file', async () => {
    const fs = await import('node:fs');
    await checkpointAudit(t.database.db, t.database.checkpoints, t.clock);
    const line = JSON.parse(fs.readFileSync(t.database.checkpoints.file, 'utf8').trim());
    fs.writeFileSync(t.database.checkpoints.file, `${JSON.stringify({ ...line, seq: 3 })}\n`);
    expect(await verify()).toMatchObject({ ok: false, problem: 'checkpoint_forged' });
  });

  it('`baton audit verify` exits 0 on a good trail and 1 naming the row after tampering', async () => {
    const env = { ...process.env, DATABASE_URL: t.database.ownerUrl, BATON_APP_DATABASE_URL: t.database.appUrl, BATON_DATA_DIR: t.database.dataDir, BATON_FROM_SOURCE: '1', LOG_LEVEL: 'error' };
    const cli = path.join(projectRoot, 'bin', 'baton.js');
    const good = await run('node', [cli, 'audit', 'verify'], { env });
    expect(good.stdout).toContain('OK: 12 audit rows verified');
    await tamper(`update audit_events set actor_label = 'someone else' where seq = 6`);
    const bad = await run('node', [cli, 'audit', 'verify', '--json'], { env }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, firstBadSeq: 6, problem: 'hash' });
  }, 60_000);

  it('GET /api/v1/audit/verify reports the same', async () => {
    const admin = await t.userWithToken('admin');
    await tamper(`update audit_events set after = '{"name":"forged"}' where seq = 2`);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'hash' });
  });
});
