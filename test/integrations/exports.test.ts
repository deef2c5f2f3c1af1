import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import { createLead } from '../../src/routing/use-cases/create-lead.js';
import { createRuleset } from '../../src/routing/use-cases/create-ruleset.js';
import { publishRuleset } from '../../src/routing/use-cases/publish-ruleset.js';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { projectRoot } from '../../src/runtime.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let revops: Awaited<ReturnType<TestApp['userWithToken']>>;
let admin: Awaited<ReturnType<TestApp['userWithToken']>>;
let rep: Awaited<ReturnType<TestApp['userWithToken']>>;
const DANGEROUS = ['=HYPERLINK("http://evil.example","x")', '+1+2', '-3', '@SUM(A1:A2)', '\tTabbed', '\rReturn'];

beforeAll(async () => {
  t = await createTestApp();
  revops = await t.userWithToken('revops');
  admin = await t.userWithToken('admin');
  rep = await t.userWithToken('sales_rep');
  const owner = await createUser(t.system, { email: 'export.owner@test.baton.dev', name: '=Owner Formula', role: 'sales_rep' });
  const draft = await createRuleset(t.system, {
    recordType: 'lead',
    name: 'All to one',
    rules: [{ name: '@everything', when: { all: [] }, then: { target: { type: 'user', id: owner.id } } }],
  });
  await publishRuleset(t.system, { rulesetId: draft.id, expectedVersion: draft.version });
  for (const [i, name] of DANGEROUS.entries()) await createLead(t.system, { name, company: `Export Co ${i}`, region: 'East' });
  const partner = await createPartner(t.system, { name: 'Export Partner' });
  await t.database.superuser(`insert into product_lines (code, name) values ('GTX', 'GTX')`);
  await t.database.superuser(
    `insert into registrations (partner_id, customer_name, product_line, amount_minor, expected_close_date, created_at, updated_at) values
     ($1, '=cmd|'' /C calc''!A0', 'GTX', 125000, '2026-05-01', now(), now()), ($1, 'Plain Customer', 'GTX', 99, '2026-06-01', now(), now())`,
    [partner.id],
  );
});
afterAll(() => t.close());

const get = (url: string, who = revops) => t.app.inject({ method: 'GET', url, headers: who.headers });
const rowsOf = (body: string) => parse(body, { columns: true }) as Array<Record<string, string>>;

describe('CSV exports', () => {
  it('audit: every row in sequence order with its hash; filters by event; cells that a spreadsheet would run are escaped', async () => {
    const res = await get('/api/v1/exports/audit.csv', admin);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit.csv"');
    const rows = rowsOf(res.body);
    const total = await sql<{ n: string }>`select count(*) as n from audit_events`.execute(t.database.db);
    expect(rows).toHaveLength(Number(total.rows[0]!.n));
    expect(rows.map((r) => Number(r.seq))).toEqual([...rows.map((r) => Number(r.seq))].sort((a, b) => a - b));
    const leads = rowsOf((await get('/api/v1/exports/audit.csv?event=lead.created', admin)).body);
    expect(leads).toHaveLength(DANGEROUS.length);
    expect(leads.every((r) => r.event === 'lead.created' && /^[0-9a-f]{64}$/.test(r.hash!))).toBe(true);
  });

  it('assignments: one row per assignment; owner and rule names starting with = + - @ are prefixed with an apostrophe', async () => {
    const res = await get('/api/v1/exports/assignments.csv?recordType=lead&open=true');
    expect(res.statusCode, res.body).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows).toHaveLength(DANGEROUS.length);
    expect(rows[0]).toMatchObject({ record_type: 'lead', owner: "'=Owner Formula", reason: "'@everything", source: 'rule' });
    // No cell of the whole file starts a formula.
    for (const line of parse(res.body) as string[][]) for (const cell of line) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('registrations: the internal projection straight from the table, behind registration.read', async () => {
    const res = await get('/api/v1/exports/registrations.csv', admin);
    expect(res.statusCode, res.body).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.amount_minor === '125000')).toMatchObject({
      customer_name: "'=cmd|' /C calc'!A0",
      partner: 'Export Partner',
      product_line: 'GTX',
      expected_close_date: '2026-05-01',
      status: 'submitted',
    });
    expect(Object.keys(rows[0]!)).not.toContain('internal_notes');
    expect((await get('/api/v1/exports/registrations.csv?status=approved', admin)).body.trim().split('\n')).toHaveLength(1);
    expect((await get('/api/v1/exports/registrations.csv', rep)).statusCode).toBe(403);
  });

  it('orders and KPIs: the header of each and the routing KPIs from their own use case', async () => {
    const orders = await get('/api/v1/exports/orders.csv', admin);
    expect(orders.statusCode, orders.body).toBe(200);
    expect(orders.body.split('\n')[0]).toBe(
      'id,number,channel,account_id,account,region,currency,lifecycle,payment_status,owner_id,net_minor,invoiced_minor,created_at,released_at,shipped_at,closed_at',
    );
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const kpis = rowsOf((await get(`/api/v1/exports/routing-kpis.csv?from=${from}&to=${to}`)).body);
    expect(kpis[0]).toMatchObject({ team: 'overall', assignments: String(DANGEROUS.length), by_rule: String(DANGEROUS.length) });
    const orderKpis = await get('/api/v1/exports/order-kpis.csv', admin);
    expect(orderKpis.statusCode).toBe(200);
    expect(orderKpis.body.split('\n')[0]).toBe('metric,channel,dimension,value,value2,count');
  });

  it('refuses what the role may not read and filters that are not valid', async () => {
    expect((await get('/api/v1/exports/audit.csv', rep)).statusCode).toBe(403);
    const bad = await get('/api/v1/exports/audit.csv?from=yesterday', admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toContain('from');
    expect((await get('/api/v1/exports/assignments.csv?shoe=1')).statusCode).toBe(400);
  });
});

describe('the import and export commands', () => {
  const execFileAsync = promisify(execFile);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-io-'));
  const baton = (...args: string[]) =>
    execFileAsync('node', [path.join(projectRoot, 'bin', 'baton.js'), ...args], {
      env: {
        ...process.env,
        DATABASE_URL: t.database.ownerUrl,
        BATON_APP_DATABASE_URL: t.database.appUrl,
        BATON_DATA_DIR: t.database.dataDir,
        BATON_FROM_SOURCE: '1',
        LOG_LEVEL: 'error',
      },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('baton import: 0 when every row imports, 1 with the errors listed when one is bad, 2 on usage errors; baton export writes the file', async () => {
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, 'First Name,Last Name,Email\nCli,Good,cli.good@cli.example\n');
    const ok = await baton('import', 'leads', good, '--preset', 'salesforce');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Imported 1 leads');
    const badFile = path.join(dir, 'bad.csv');
    fs.writeFileSync(badFile, 'name,amount\nCli Bad,lots\nCli Fine,5\n');
    const bad = await baton('import', 'leads', badFile, '--valid-rows');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2: error amount: "lots" is not an amount');
    expect(bad.stdout).toContain('Imported 1 leads');
    expect((await baton('import', 'leads', badFile, '--preset', 'oracle')).code).toBe(2);
    const out = path.join(dir, 'audit.csv');
    const exported = await baton('export', 'audit', '--out', out);
    expect(exported.code, exported.stderr).toBe(0);
    expect(rowsOf(fs.readFileSync(out, 'utf8')).some((r) => r.event === 'import.finished')).toBe(true);
  }, 120_000);
});
