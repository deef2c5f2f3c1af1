import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';

const execFileAsync = promisify(execFile);
let database: TestDatabase;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  database = await createTestDatabase();
  env = { ...process.env, DATABASE_URL: database.ownerUrl, BATON_APP_DATABASE_URL: database.appUrl, BATON_DATA_DIR: database.dataDir, BATON_FROM_SOURCE: '1', LOG_LEVEL: 'error' };
});
afterAll(() => database.close());

const baton = (...args: string[]) =>
  execFileAsync('node', [path.join(projectRoot, 'bin', 'baton.js'), ...args], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('the baton CLI', () => {
  it('has --help on every command and exits 0', async () => {
    for (const args of [['--help'], ['serve', '--help'], ['users', 'create', '--help'], ['tokens', 'create', '--help'], ['audit', 'verify', '--help'], ['seed', '--help'], ['migrate', '--help'], ['worker', '--help']]) {
      const res = await baton(...args);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toContain('Usage: baton');
    }
  }, 180_000);

  it('exits 2 on usage errors', async () => {
    expect((await baton('frobnicate')).code).toBe(2);
    expect((await baton('users', 'create', '--email', 'x@y.z')).code).toBe(2);
    expect((await baton('users', 'create', '--email', 'x@y.z', '--name', 'X', '--role', 'wizard')).code).toBe(2);
  }, 60_000);

  it('creates a user and a token that the API accepts; refuses a duplicate with exit 1', async () => {
    const created = await baton('users', 'create', '--email', 'cli.user@example.com', '--name', 'CLI User', '--role', 'revops');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ email: 'cli.user@example.com', role: 'revops' });
    const duplicate = await baton('users', 'create', '--email', 'cli.user@example.com', '--name', 'Again', '--role', 'revops');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    const token = await baton('tokens', 'create', '--email', 'cli.user@example.com', '--name', 'laptop');
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^baton_[\w-]+_[\w-]+$/);
    const hash = (await import('../../src/identity/secret-tokens.js')).sha256(token.stdout.trim());
    const { rows } = await database.superuser('select u.email from api_tokens t join users u on u.id = t.user_id where t.token_hash = $1', [hash]);
    expect(rows[0]!.email).toBe('cli.user@example.com');
    const audit = await database.superuser(`select actor_label from audit_events where event_name = 'token.created' order by seq desc limit 1`);
    expect(audit.rows[0]!.actor_label).toMatch(/^cli:/);
  }, 60_000);

  it('`baton worker` runs jobs on its own and stops cleanly on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const fs = await import('node:fs');
    const { createTeam } = await import('../../src/identity/use-cases/create-team.js');
    const { systemActor } = await import('../../src/platform/access/actor.js');
    const { systemClock } = await import('../../src/platform/clock.js');
    await createTeam({ db: database.db, clock: systemClock, actor: systemActor('test') }, { name: 'Worker probe' });
    const head = (await database.superuser('select max(seq) as seq from audit_events')).rows[0]!.seq as string;
    await database.superuser(`select graphile_worker.add_job('checkpoint_audit', '{}'::json)`);
    const worker = spawn('node', [path.join(projectRoot, 'bin', 'baton.js'), 'worker'], { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    const checkpointed = () => fs.existsSync(database.checkpoints.file) && fs.readFileSync(database.checkpoints.file, 'utf8').includes(`"seq":${head},`);
    const deadline = Date.now() + 20_000;
    while (!checkpointed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(checkpointed()).toBe(true);
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('migrate is idempotent', async () => {
    const res = await baton('migrate');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('migrations are current');
  }, 30_000);
});
