import path from 'node:path';
import { z } from 'zod';

const booleanFlag = z
  .enum(['0', '1', 'true', 'false'])
  .transform((value) => value === '1' || value === 'true');

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  BATON_DATA_DIR: z.string().default('./.baton'),
  DATABASE_URL: z.url().optional(),
  BATON_APP_DATABASE_URL: z.url().optional(),
  BATON_ADMIN_EMAIL: z.email().optional(),
  BATON_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  BATON_DEMO: booleanFlag.optional(),
  BATON_TRUST_PROXY: booleanFlag.default(false),
  BATON_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  BATON_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(8),
  BATON_WORKERS: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  appDatabaseUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** undefined = decide by database kind (embedded seeds, external never seeds unasked) */
  demo: boolean | undefined;
  trustProxy: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  runWorkers: boolean;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (DATABASE_URL= in a shell or .env file) means "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.BATON_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    appDatabaseUrl: c.BATON_APP_DATABASE_URL,
    adminEmail: c.BATON_ADMIN_EMAIL,
    adminPassword: c.BATON_ADMIN_PASSWORD,
    demo: c.BATON_DEMO,
    trustProxy: c.BATON_TRUST_PROXY,
    sessionIdleMinutes: c.BATON_SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: c.BATON_SESSION_ABSOLUTE_HOURS,
    runWorkers: c.BATON_WORKERS,
    logLevel: c.LOG_LEVEL,
  };
}
