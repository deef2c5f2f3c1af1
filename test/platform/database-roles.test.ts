import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../../src/identity/use-cases/create-team.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let app: pg.Client;

beforeAll(async () => {
  t = await createTestApp();
  await createTeam(t.system, { name: 'Role test team' });
  app = new pg.Client({ connectionString: t.database.appUrl });
  await app.connect();
});
afterAll(async () => {
  await app.end();
  await t.close();
});

const sqlState = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code: string }) => error.code);

describe('the application database role', () => {
  it('cannot update, delete or truncate audit rows (42501)', async () => {
    expect(await sqlState(app.query(`update audit_events set reason = 'x'`))).toBe('42501');
    expect(await sqlState(app.query('delete from audit_events'))).toBe('42501');
    expect(await sqlState(app.query('truncate audit_events'))).toBe('42501');
    const count = await app.query('select count(*) as n from audit_events');
    expect(Number(count.rows[0].n)).toBeGreaterThan(0);
  });

  it('owns no tables, is no superuser and cannot bypass row-level security', async () => {
    const role = await app.query(`select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user`);
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await app.query(`select count(*) as n from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = current_user`);
    expect(Number(owned.rows[0].n)).toBe(0);
  });

  it('cannot change the schema or the migration history', async () => {
    expect(await sqlState(app.query('create table sneaky (id int)'))).toBe('42501');
    expect(await sqlState(app.query('drop table audit_events'))).toBe('42501');
    expect(await sqlState(app.query(`delete from kysely_migration`))).toBe('42501');
  });

  it('even the owner cannot rewrite audit rows while the append-only trigger stands', async () => {
    const owner = new pg.Client({ connectionString: t.database.ownerUrl });
    await owner.connect();
    expect(await sqlState(owner.query(`delete from audit_events`))).toBe('42501');
    await owner.end();
  });
});
