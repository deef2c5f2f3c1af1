import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startImport } from '../../src/integrations/imports/use-cases/start-import.js';
import { runImport } from '../../src/integrations/imports/use-cases/run-import.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['userWithToken']>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-import-'));
const crm = path.join(import.meta.dirname, '..', 'fixtures', 'crm');

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('revops');
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const importFile = async (
  type: 'accounts' | 'leads' | 'opportunities',
  file: string,
  options: Record<string, unknown> = {},
  run: Parameters<typeof runImport>[2] = {},
) => {
  const job = await startImport(t.system, { type, ...options }, { kind: 'file', path: file });
  return runImport(t.system, job.id, run);
};
const issues = async (jobId: string) =>
  (await t.database.db.selectFrom('import_issues').selectAll().where('job_id', '=', jobId).orderBy('line').execute()).map((i) => ({
    line: i.line,
    severity: i.severity,
    field: i.field,
    message: i.message,
  }));
const count = async (table: 'leads' | 'accounts' | 'opportunities', namePrefix: string) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where name like ${`${namePrefix}%`}`.execute(t.database.db))
      .rows[0]!.n,
  );

describe('the real CRM export (Maven sample) imports cleanly with its dirt reported', () => {
  it('accounts: all 85 imported; the misspelled sector is corrected and reported on each of its lines', async () => {
    const job = await importFile('accounts', path.join(crm, 'accounts.csv'), { preset: 'maven' });
    expect(job.status).toBe('done');
    expect(job.imported).toBe(85);
    expect(job.errors).toBe(0);
    const found = await issues(job.id);
    const typos = found.filter((i) => i.message.includes('technolgy'));
    expect(typos).toHaveLength(12);
    expect(typos[0]).toEqual({
      line: 2,
      severity: 'warning',
      field: 'sector',
      message: '"technolgy" is not a known industry; imported as "technology"',
    });
    const acme = await t.database.db.selectFrom('accounts').selectAll().where('name', '=', 'Acme Corporation').executeTakeFirstOrThrow();
    expect(acme).toMatchObject({ industry: 'technology', employees: 2822, country: 'United States' });
    expect(acme.attributes).toMatchObject({ yearEstablished: '1996', revenueMillionsUsd: '1100.04' });
    // Imported like a native create: audit and outbox per account, routed (unassigned: no rule set published).
    const audit = await sql<{ n: string }>`select count(*) as n from audit_events where event_name = 'account.created'`.execute(
      t.database.db,
    );
    expect(Number(audit.rows[0]!.n)).toBeGreaterThanOrEqual(85);
    const unassigned = await sql<{
      n: string;
    }>`select count(*) as n from unassigned_records where record_type = 'account' and record_id = ${acme.id}`.execute(t.database.db);
    expect(Number(unassigned.rows[0]!.n)).toBe(1);
  });

  it(
    'the pipeline: all 8,800 deals imported; missing accounts and blank close dates reported per line, not dropped',
    { timeout: 180_000 },
    async () => {
      const job = await importFile('opportunities', path.join(crm, 'sales_pipeline.csv'), { preset: 'maven' });
      const rows = parse(fs.readFileSync(path.join(crm, 'sales_pipeline.csv')), { columns: true }) as Array<Record<string, string>>;
      expect(job.status, job.failure ?? '').toBe('done');
      expect(job.imported).toBe(rows.length);
      expect(job.errors).toBe(0);
      const found = await issues(job.id);
      const noAccount = found.filter((i) => i.message === 'no account; imported without one');
      const noClose = found.filter((i) => i.message === 'close date is blank');
      expect(noAccount).toHaveLength(rows.filter((r) => r.account === '').length);
      expect(noClose).toHaveLength(rows.filter((r) => r.close_date === '').length);
      // the first deal without an account, by its line in the file
      const firstMissing = rows.findIndex((r) => r.account === '') + 2;
      expect(noAccount[0]!.line).toBe(firstMissing);
      const linked = await sql<{
        n: string;
      }>`select count(*) as n from opportunities where account_id is not null and attributes ? 'salesAgent'`.execute(t.database.db);
      expect(Number(linked.rows[0]!.n)).toBe(rows.filter((r) => r.account !== '').length);
      const won = await t.database.db
        .selectFrom('opportunities')
        .selectAll()
        .where('name', '=', 'GTX Plus Basic for Cancity')
        .orderBy('created_at')
        .executeTakeFirstOrThrow();
      expect(won).toMatchObject({ stage: 'Won', amount: '105400' });
    },
  );
});

const leadsCsv = (from: number, to: number, prefix: string, bad: number[] = []) =>
  [
    'name,email,company,region,amount',
    ...Array.from({ length: to - from }, (_, k) => from + k).map(
      (i) =>
        `${prefix} ${i},lead${i}@${prefix.toLowerCase().replace(/\W/g, '')}.example,Co ${i},East,${bad.includes(i) ? 'lots' : `${i}.50`}`,
    ),
  ].join('\n') + '\n';

describe('bad input', () => {
  it('all-or-nothing (default): one bad row rejects the file, nothing is written, the report names the line and reason', async () => {
    const job = await importFile('leads', write('aon.csv', leadsCsv(0, 50, 'Aon', [17])));
    expect(job.status).toBe('rejected');
    expect(job.imported).toBe(0);
    expect(job.errors).toBe(1);
    expect(job.failure).toContain('1 of 50 rows have errors');
    expect(await issues(job.id)).toEqual([
      { line: 19, severity: 'error', field: 'amount', message: '"lots" is not an amount (like 1234.50)' },
    ]);
    expect(await count('leads', 'Aon ')).toBe(0);
  });

  it('valid_rows: imports the others and reports the bad one', async () => {
    const job = await importFile('leads', write('valid.csv', leadsCsv(0, 50, 'Valid', [17, 40])), { mode: 'valid_rows' });
    expect(job).toMatchObject({ status: 'done', imported: 48, skipped: 2, errors: 2 });
    expect(await count('leads', 'Valid ')).toBe(48);
    expect((await issues(job.id)).map((i) => i.line)).toEqual([19, 42]);
  });

  it('dry run: every row checked, nothing written', async () => {
    const job = await importFile('leads', write('dry.csv', leadsCsv(0, 30, 'Dry', [3])), { dryRun: true, mode: 'valid_rows' });
    expect(job).toMatchObject({ status: 'done', imported: 0, errors: 1, dryRun: true });
    expect(job.progress.linesTotal).toBe(30);
    expect(await count('leads', 'Dry ')).toBe(0);
  });

  it.each([
    [
      'latin-1',
      Buffer.concat([Buffer.from('name,company\nJos\u00e9 1,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
      'file',
      'the file is not UTF-8 (an invalid byte on line 2)',
    ],
    ['utf-16', Buffer.from('\ufeffname\nA\n', 'utf16le'), 'file', 'the file is UTF-16'],
    ['broken quoting', 'name,company\n"Quote 1,Co\n', 'file', 'line'],
    ['unknown column', 'name,shoe_size\nX,44\n', 'shoe_size', 'is not a leads field'],
    ['no name column', 'email\na@b.example\n', 'name', 'no column maps to name'],
    ['duplicate header', 'name,Name\nA,B\n', 'Name', 'appears twice'],
    ['empty file', '', 'file', 'the file is empty'],
  ])('%s: the file is rejected with a clear error and nothing is written', async (_label, content, field, message) => {
    const before = await count('leads', '');
    const job = await importFile('leads', write(`bad-${_label}.csv`, content), { mode: 'valid_rows' });
    expect(job.status).toBe('rejected');
    const found = await issues(job.id);
    expect(found[0]!.field).toBe(field);
    expect(found[0]!.message).toContain(message);
    expect(job.failure).toContain('nothing was imported');
    expect(await count('leads', '')).toBe(before);
  });

  it('a UTF-8 BOM is accepted; a ragged row is reported with its field count; an unmapped column under a preset is reported, not fatal', async () => {
    const csv =
      '\ufeffFirst Name,Last Name,Email,Favourite Colour\nAda,Lovelace,ada@bom.example,blue\nGrace,Hopper\nAlan,Turing,alan@bom.example,green\n';
    const job = await importFile('leads', write('bom.csv', csv), { preset: 'salesforce', mode: 'valid_rows' });
    expect(job).toMatchObject({ status: 'done', imported: 2, skipped: 1 });
    const found = await issues(job.id);
    expect(found).toContainEqual({ line: 1, severity: 'warning', field: 'Favourite Colour', message: 'is not mapped to a field; ignored' });
    expect(found).toContainEqual({ line: 3, severity: 'error', field: 'row', message: 'has 2 fields; the header has 4' });
    expect(await count('leads', 'Ada Lovelace')).toBe(1);
  });
});

describe('presets and custom mappings', () => {
  it('Salesforce opportunities: stage names, money, US dates, account by name; HubSpot deals likewise', async () => {
    await importFile(
      'accounts',
      write(
        'sf-acc.csv',
        'Account ID,Account Name,Website,Industry,Employees\n001A,Globex SF,https://www.globex-sf.example/,Software,"1,200"\n',
      ),
      { preset: 'salesforce' },
    );
    const sf = await importFile(
      'opportunities',
      write(
        'sf-opp.csv',
        'Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Close Date\n006A,Globex renewal,Globex SF,Closed Won,"$12,500.00",3/31/2026\n006B,Globex upsell,Globex SF,Negotiation/Review,900,2026-06-30\n',
      ),
      { preset: 'salesforce' },
    );
    expect(sf).toMatchObject({ status: 'done', imported: 2, warnings: 0 });
    const opp = await t.database.db
      .selectFrom('opportunities')
      .innerJoin('accounts', 'accounts.id', 'opportunities.account_id')
      .select(['opportunities.stage', 'opportunities.amount', 'opportunities.close_date', 'accounts.domain', 'accounts.employees'])
      .where('opportunities.name', '=', 'Globex renewal')
      .executeTakeFirstOrThrow();
    expect(opp).toMatchObject({ stage: 'Won', amount: '1250000', domain: 'globex-sf.example', employees: 1200 });
    expect(new Date(opp.close_date!).toISOString().slice(0, 10)).toBe('2026-03-31');
    const hs = await importFile(
      'opportunities',
      write(
        'hs-deal.csv',
        'Record ID,Deal Name,Deal Stage,Amount,Close Date,Associated Company\n9001,HS deal,contractsent,100,2026-01-02 10:00,Nobody Inc\n',
      ),
      { preset: 'hubspot' },
    );
    expect(hs).toMatchObject({ status: 'done', imported: 1, warnings: 1 });
    expect((await issues(hs.id))[0]!.message).toBe('no account named "Nobody Inc"; imported without one');
  });

  it('a custom mapping {csvColumn: field}; a mapping naming a missing column or an unknown field is refused', async () => {
    const ok = await importFile('leads', write('custom.csv', 'Full name,Mail,Budget,Tag\nCustom One,c1@custom.example,10,vip\n'), {
      mapping: { 'Full name': 'name', Mail: 'email', Budget: 'amount', Tag: 'attributes.tag' },
    });
    expect(ok).toMatchObject({ status: 'done', imported: 1 });
    const lead = await t.database.db.selectFrom('leads').selectAll().where('name', '=', 'Custom One').executeTakeFirstOrThrow();
    expect(lead).toMatchObject({ email: 'c1@custom.example', amount: '1000', attributes: { tag: 'vip' } });
    const bad = await importFile('leads', write('custom-bad.csv', 'Full name,Mail\nX,x@y.example\n'), {
      mapping: { 'Full name': 'name', Nope: 'email', Mail: 'shoeSize' },
    });
    expect(bad.status).toBe('rejected');
    expect((await issues(bad.id)).map((i) => i.field).sort()).toEqual(['mapping.Mail', 'mapping.Nope']);
  });

  it('importing the same export twice does not create duplicates: rows whose external id was imported are skipped and reported', async () => {
    const file = write('twice.csv', 'Record ID,First Name,Last Name,Email\nh1,Twice,One,t1@twice.example\nh2,Twice,Two,t2@twice.example\n');
    expect(await importFile('leads', file, { preset: 'hubspot' })).toMatchObject({ status: 'done', imported: 2 });
    const again = await importFile('leads', file, { preset: 'hubspot' });
    expect(again).toMatchObject({ status: 'done', imported: 0, skipped: 2 });
    expect((await issues(again.id))[0]!.message).toMatch(/^hubspot id h1 was already imported \(record [0-9a-f-]+\); skipped$/);
    expect(await count('leads', 'Twice ')).toBe(2);
  });
});

describe('crash and resume', () => {
  it('a transaction killed mid-way rolls back its chunk; resuming continues after the last committed line and applies each line exactly once', async () => {
    const file = write('crash.csv', leadsCsv(0, 1000, 'Crash'));
    const job = await startImport(t.system, { type: 'leads' }, { kind: 'file', path: file });
    let chunks = 0;
    await expect(
      runImport(t.system, job.id, {
        chunkSize: 100,
        beforeCommit: async (trx) => {
          // The fourth chunk's transaction dies with its connection, as if the server were killed.
          if (++chunks === 4) await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
        },
      }),
    ).rejects.toThrow();
    const stopped = await t.database.db.selectFrom('import_jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(stopped).toMatchObject({ status: 'failed', checkpoint_line: 301, imported: 300 });
    expect(await count('leads', 'Crash ')).toBe(300);

    const resumed = await runImport(t.system, job.id, { chunkSize: 100 });
    expect(resumed).toMatchObject({ status: 'done', imported: 1000 });
    const names = await sql<{
      name: string;
      n: string;
    }>`select name, count(*) as n from leads where name like 'Crash %' group by name`.execute(t.database.db);
    expect(names.rows).toHaveLength(1000);
    expect(names.rows.every((r) => r.n === '1')).toBe(true);
    const audit = await sql<{
      n: string;
    }>`select count(*) as n from audit_events a join leads l on l.id::text = a.entity_id where a.event_name = 'lead.created' and l.name like 'Crash %'`.execute(
      t.database.db,
    );
    expect(Number(audit.rows[0]!.n)).toBe(1000);
    const outbox = await sql<{
      n: string;
    }>`select count(*) as n from outbox_events o join leads l on l.id::text = o.aggregate_id::text where o.event_type = 'lead.created' and l.name like 'Crash %'`.execute(
      t.database.db,
    );
    expect(Number(outbox.rows[0]!.n)).toBe(1000);
  });

  it('a job that is running (live lease) cannot be run twice; a finished one cannot be resumed', async () => {
    const job = await startImport(t.system, { type: 'leads' }, { kind: 'file', path: write('lease.csv', leadsCsv(0, 5, 'Lease')) });
    await t.database.db
      .updateTable('import_jobs')
      .set({ lease_until: new Date(Date.now() + 60_000) })
      .where('id', '=', job.id)
      .execute();
    await expect(runImport(t.system, job.id)).rejects.toThrow(/running/);
    await t.database.db.updateTable('import_jobs').set({ lease_until: null }).where('id', '=', job.id).execute();
    expect((await runImport(t.system, job.id)).status).toBe('done');
    await expect(runImport(t.system, job.id)).rejects.toThrow(/already done/);
  });
});

describe('imports over HTTP', () => {
  const upload = (query: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/imports?${query}`,
      headers: { ...admin.headers, 'content-type': 'text/csv', ...headers },
      payload: body,
    });
  const waitDone = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: admin.headers });
      const job = res.json();
      if (['done', 'rejected', 'failed'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('import did not finish');
  };

  it('a text/csv upload answers 202 with the job; progress reaches done; the error report is a formula-safe CSV', async () => {
    const csv = 'name,email,amount\nHttp One,h1@http.example,5\n=Http Bad,h2@http.example,lots\nHttp Three,h3@http.example,7\n';
    const res = await upload('type=leads&mode=valid_rows&fileName=leads.csv', csv, { 'idempotency-key': 'upload-1' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.location).toBe(`/api/v1/imports/${res.json().id}`);
    expect(res.json()).toMatchObject({ recordType: 'leads', mode: 'valid_rows', fileName: 'leads.csv', fileBytes: Buffer.byteLength(csv) });
    const job = await waitDone(res.json().id);
    expect(job).toMatchObject({ status: 'done', imported: 2, skipped: 1, errors: 1, progress: { fraction: 1, linesTotal: 3 } });
    const report = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${job.id}/errors`, headers: admin.headers });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    expect(parse(report.body, { columns: true })).toEqual([
      {
        line: '3',
        severity: 'error',
        column: 'amount',
        reason: '"lots" is not an amount (like 1234.50)',
        raw: "'=Http Bad,h2@http.example,lots",
      },
    ]);
    // The same upload retried under its Idempotency-Key is the same job, not a second import.
    const again = await upload('type=leads&mode=valid_rows&fileName=leads.csv', csv, { 'idempotency-key': 'upload-1' });
    expect(again.json().id).toBe(job.id);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: admin.headers });
    expect(list.json().items.filter((j: { id: string }) => j.id === job.id)).toHaveLength(1);
    expect(await count('leads', 'Http ')).toBe(2);
  });

  it('refuses bad parameters naming them, JSON bodies on the upload and CSV bodies anywhere else', async () => {
    const bad = await upload('type=widgets', 'name\nx\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toContain('type');
    const mapping = await upload(`type=leads&mapping=${encodeURIComponent('{"a":')}`, 'name\nx\n');
    expect(mapping.statusCode).toBe(400);
    expect(mapping.json().errors[0].path).toBe('query.mapping');
    const json = await t.app.inject({ method: 'POST', url: '/api/v1/imports?type=leads', headers: admin.headers, payload: { name: 'x' } });
    expect(json.statusCode).toBe(400);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      payload: 'url\nx\n',
    });
    expect(elsewhere.statusCode).toBe(415);
  });

  it('resume: 409 for a finished job, and a stopped job continues to done', async () => {
    const res = await upload('type=leads', leadsCsv(0, 20, 'Resume'));
    const done = await waitDone(res.json().id);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/imports/${done.id}/resume`, headers: admin.headers })).statusCode).toBe(409);
    const stopped = await startImport(
      t.system,
      { type: 'leads' },
      { kind: 'upload', body: [Buffer.from(leadsCsv(0, 10, 'Stopped'))], maxBytes: 1_000_000 },
    );
    await t.database.db.updateTable('import_jobs').set({ status: 'failed', failure: 'killed' }).where('id', '=', stopped.id).execute();
    const resumed = await t.app.inject({ method: 'POST', url: `/api/v1/imports/${stopped.id}/resume`, headers: admin.headers });
    expect(resumed.statusCode, resumed.body).toBe(202);
    expect(await waitDone(stopped.id)).toMatchObject({ status: 'done', imported: 10 });
  });

  it('an upload over the size limit fails the job and keeps none of its bytes', async () => {
    await expect(
      startImport(t.system, { type: 'leads' }, { kind: 'upload', body: [Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')], maxBytes: 1000 }),
    ).rejects.toThrow(/larger than 1000 bytes/);
    const failed = await t.database.db
      .selectFrom('import_jobs')
      .select(['id', 'status'])
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');
    const chunks = await t.database.db.selectFrom('import_file_chunks').select('seq').where('job_id', '=', failed.id).execute();
    expect(chunks).toHaveLength(0);
  });
});
