import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { z } from 'zod';
import { verifyAuditTrail } from '../audit/verify-audit-trail.js';
import { seedDemo } from '../demo/seed-demo.js';
import { CreateUserSchema, RoleSchema } from '../identity/schemas.js';
import { createApiToken } from '../identity/use-cases/create-api-token.js';
import { createUser } from '../identity/use-cases/create-user.js';
import { findUserByEmail } from '../identity/store.js';
import { ROLES } from '../platform/access/permissions.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import { type Runtime, startRuntime, version } from '../runtime.js';
import { BENCHMARKS, type BenchmarkName, bench } from './commands/bench.js';
import { serve } from './commands/serve.js';
import { worker } from './commands/worker.js';
import { cliContext, demoDataDir } from './context.js';
import { EXIT } from './exit-codes.js';
import { progressBar } from './progress.js';
import { registerOrderCommands } from './commands/import-orders.js';
import { registerImportExportCommands } from './commands/import-export.js';

/** Short commands log warnings only, to stderr, so their stdout stays scriptable. */
async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const runtime = await startRuntime({ config, logger });
  const interrupt = () => void runtime.close().finally(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
};

export function buildCli(): Command {
  const program = new Command('baton')
    .description('Baton: one accountable owner for every commercial record.')
    .version(version)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('run the API, web app and workers (embedded PostgreSQL unless DATABASE_URL is set)')
    .option('--port <port>', 'HTTP port (default: PORT or 3000)', port)
    .option('--no-workers', 'do not run background jobs in this process')
    .action(async (options: { port?: number; workers: boolean }) => serve(options));

  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(async () =>
      withRuntime(async () => {
        console.log('migrations are current');
      }),
    );

  program
    .command('worker')
    .description('run background jobs only (any number of these may run beside the server)')
    .action(async () => worker());

  program
    .command('seed')
    .description('add demo data')
    .requiredOption('--demo', 'the demo organisation: teams, managers, reps, every role, a distributor')
    .option('--password <password>', 'password for every demo user (default: generated and printed)')
    .action(async (options: { password?: string }) =>
      withRuntime(async (runtime) => {
        const bar = progressBar('Seeding demo');
        const password = options.password ?? (await import('node:crypto')).randomBytes(9).toString('base64url');
        const summary = await seedDemo(cliContext(runtime), { dataDir: demoDataDir, password, onProgress: bar.update });
        bar.stop();
        const routing = summary.routing ? `, ${summary.routing.pools} pools, ${summary.routing.accounts} accounts, ${summary.routing.leads} leads, ${summary.routing.opportunities} opportunities` : '';
        console.log(summary.seeded ? `Seeded ${summary.teams} teams and ${summary.users} users${routing}; demo password: ${summary.password}` : 'Demo data is already present; nothing changed.');
      }),
    );

  const users = program.command('users').description('manage users');
  users
    .command('create')
    .description('create a user')
    .requiredOption('--email <email>')
    .requiredOption('--name <name>')
    .addOption(new Option('--role <role>').choices(ROLES).makeOptionMandatory())
    .option('--password <password>', 'at least 12 characters; without it the user cannot sign in until one is set')
    .option('--team <team>', 'team name or id')
    .action(async (options: { email: string; name: string; role: string; password?: string; team?: string }) =>
      withRuntime(async (runtime) => {
        let teamId: string | undefined;
        if (options.team) {
          const team = await runtime.handle.db
            .selectFrom('teams')
            .select('id')
            .where((eb) => (z.uuid().safeParse(options.team).success ? eb('id', '=', options.team!) : eb(eb.fn('lower', ['name']), '=', options.team!.toLowerCase())))
            .executeTakeFirst();
          if (!team) throw new AppError('validation_failed', `--team: no team "${options.team}"`);
          teamId = team.id;
        }
        const input = CreateUserSchema.parse({ email: options.email, name: options.name, role: RoleSchema.parse(options.role), password: options.password, teamId });
        const user = await createUser(cliContext(runtime), input);
        console.log(JSON.stringify(user, null, 2));
      }),
    );

  const tokens = program.command('tokens').description('manage API tokens');
  tokens
    .command('create')
    .description('create an API token for a user; the token is printed once')
    .requiredOption('--email <email>', 'the user the token acts as')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires-in-days <days>', 'expiry', (v) => Number(v))
    .action(async (options: { email: string; name: string; expiresInDays?: number }) =>
      withRuntime(async (runtime) => {
        const user = await findUserByEmail(runtime.handle.db, options.email);
        if (!user) throw new AppError('validation_failed', `--email: no user ${options.email}`);
        const token = await createApiToken(cliContext(runtime), { name: options.name, userId: user.id, expiresInDays: options.expiresInDays });
        console.log(token.token);
      }),
    );

  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description('check the hash chain and the signed checkpoints; exit 1 naming the first bad row')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) =>
      withRuntime(async (runtime) => {
        const bar = progressBar('Verifying audit');
        const total = Number((await runtime.handle.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
        const result = await verifyAuditTrail(cliContext(runtime), runtime.checkpoints, (n) => bar.update(n, Math.max(total, n)));
        bar.stop();
        if (options.json) console.log(JSON.stringify(result));
        else if (result.ok) {
          const pending = result.pending ? `; ${result.pending} committed during the check await their seal` : '';
          console.log(`OK: ${result.rows} audit rows verified up to chain position ${result.headSeq}; ${result.checkpoints} signed checkpoints match${pending}.`);
        }
        else console.log(`TAMPERED: first bad seq ${result.firstBadSeq} (${result.problem}): ${result.detail}`);
        if (!result.ok) process.exitCode = EXIT.failed;
      }),
    );

  program
    .command('bench')
    .description('run a benchmark on a throwaway embedded database and print JSON (Baton vs a baseline in the same run)')
    .addArgument(new Argument('<name>', 'which benchmark').choices(BENCHMARKS))
    .option('--json', 'one line of JSON, no progress bar')
    .action(async (name: BenchmarkName, options: { json?: boolean }) => bench(name, options));
  registerOrderCommands(program, withRuntime);
  registerImportExportCommands(program, withRuntime);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ConfigError) {
      console.error(error.message);
      return EXIT.unavailable;
    }
    if (error instanceof AppError) {
      console.error(`error: ${error.message}`);
      for (const e of error.errors ?? []) console.error(`  ${e.path}: ${e.message}`);
      return EXIT.failed;
    }
    if (error instanceof z.ZodError) {
      for (const issue of error.issues) console.error(`error: --${issue.path.join('.')}: ${issue.message}`);
      return EXIT.usage;
    }
    console.error(`error: ${(error as Error).message}`);
    return EXIT.unavailable;
  }
}
