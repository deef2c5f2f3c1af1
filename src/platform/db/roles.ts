import pg from 'pg';

/** The role the application connects as: owns nothing, cannot bypass row-level security. */
export const APP_ROLE = 'baton_app';
/** The role that owns the schema and runs migrations (embedded installations). */
export const OWNER_ROLE = 'baton_owner';
/**
 * The role partner requests switch to (`SET LOCAL ROLE`) while they touch partner data: no login, column
 * grants only on what a partner may read, and forced row-level security on every table it can see.
 */
export const PARTNER_DB_ROLE = 'baton_partner';

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The partner role exists and the app role may switch to it (and to nothing else). */
async function ensurePartnerRole(client: pg.Client): Promise<void> {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [PARTNER_DB_ROLE]);
  if (!exists.rowCount) {
    await client.query(`CREATE ROLE ${PARTNER_DB_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT`);
  }
  await client.query(`GRANT ${PARTNER_DB_ROLE} TO ${APP_ROLE}`);
}

async function ensureLoginRole(client: pg.Client, role: string, password: string): Promise<void> {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
  const verb = exists.rowCount ? 'ALTER' : 'CREATE';
  await client.query(
    `${verb} ROLE ${client.escapeIdentifier(role)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION PASSWORD ${client.escapeLiteral(password)}`,
  );
}

/** Superuser bootstrap for the embedded cluster: owner + app roles and an owned database. */
export async function ensureRolesAndDatabase(options: {
  superuserUrl: string;
  database: string;
  ownerPassword: string;
  appPassword: string;
}): Promise<void> {
  await withClient(options.superuserUrl, async (client) => {
    await ensureLoginRole(client, OWNER_ROLE, options.ownerPassword);
    await ensureLoginRole(client, APP_ROLE, options.appPassword);
    await ensurePartnerRole(client);
    const found = await client.query('select 1 from pg_database where datname = $1', [options.database]);
    if (!found.rowCount) {
      await client.query(
        `CREATE DATABASE ${client.escapeIdentifier(options.database)} OWNER ${OWNER_ROLE} ENCODING 'UTF8' TEMPLATE template0`,
      );
    }
  });
  // pg_trgm is not "trusted", so the superuser installs it once; the owner then uses it.
  await withClient(withDatabase(options.superuserUrl, options.database), async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${OWNER_ROLE}`);
  });
}

/** External databases: the DATABASE_URL role owns the schema; it creates the app role when it may. */
export async function ensureAppRole(ownerUrl: string, appPassword: string): Promise<void> {
  await withClient(ownerUrl, async (client) => {
    try {
      await ensureLoginRole(client, APP_ROLE, appPassword);
      await ensurePartnerRole(client);
    } catch (error) {
      throw new Error(
        `The DATABASE_URL role cannot create the "${APP_ROLE}" role (${(error as Error).message}). ` +
          `Create it yourself (LOGIN NOSUPERUSER NOBYPASSRLS) with a NOLOGIN role "${PARTNER_DB_ROLE}" granted to it, and set BATON_APP_DATABASE_URL.`,
      );
    }
  });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
