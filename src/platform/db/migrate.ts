import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { Logger as WorkerLogger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import type { Logger } from 'pino';
import { migrations } from './migrations/index.js';
import { APP_ROLE } from './roles.js';

export type MigrationReport = { applied: string[]; current: boolean };

/**
 * Runs as the owner role: schema migrations, graphile-worker's own schema, then the app role's privileges.
 * The app role may read and write every table except: audit_events (SELECT, INSERT only) and the
 * migration bookkeeping (SELECT only).
 */
export async function migrateToLatest(ownerUrl: string, logger: Logger): Promise<MigrationReport> {
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 2 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const failed = (results ?? []).find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error | undefined)?.message ?? ''}`);
    }
    for (const name of applied) logger.info({ migration: name }, 'migration applied');
    await runWorkerMigrations({ pgPool: pool, logger: quietWorkerLogger });
    await grantAppPrivileges(db);
    return { applied, current: true };
  } finally {
    await db.destroy();
  }
}

async function grantAppPrivileges(db: Kysely<unknown>): Promise<void> {
  const app = sql.id(APP_ROLE);
  await sql`
    GRANT USAGE ON SCHEMA public TO ${app};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app};
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${app};
    REVOKE DELETE, TRUNCATE ON assignments, stage_history FROM ${app};
    REVOKE UPDATE, DELETE, TRUNCATE ON stage_history FROM ${app};
    REVOKE UPDATE, DELETE, TRUNCATE ON stock_ledger, control_decisions, order_events FROM ${app};
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON kysely_migration, kysely_migration_lock FROM ${app};
    GRANT USAGE ON SCHEMA graphile_worker TO ${app};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ${app};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${app};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${app};
  `.execute(db);
  // graphile-worker turns on row-level security for its private tables; the app role gets an explicit policy
  // there rather than BYPASSRLS, so it stays subject to RLS everywhere else.
  await sql`
    DO $$
    DECLARE t record;
    BEGIN
      FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'graphile_worker' AND c.relkind = 'r' AND c.relrowsecurity LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'graphile_worker' AND tablename = t.relname AND policyname = 'baton_app_worker') THEN
          EXECUTE format('CREATE POLICY baton_app_worker ON graphile_worker.%I TO ${sql.raw(APP_ROLE)} USING (true) WITH CHECK (true)', t.relname);
        END IF;
      END LOOP;
    END $$;
  `.execute(db);
}

/** Names of migrations the code knows but the database has not applied (empty = current). */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const applied = new Set(rows.rows.map((r) => r.name));
  return Object.keys(migrations).filter((name) => !applied.has(name));
}

const quietWorkerLogger = new WorkerLogger(() => () => {});
