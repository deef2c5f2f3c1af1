import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Argument, type Command, Option } from 'commander';
import type { Runtime } from '../../runtime.js';
import { cliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { progressBar } from '../progress.js';
import { PRESETS } from '../../integrations/imports/core/mapping.js';
import { MappingSchema } from '../../integrations/imports/schemas.js';
import { runImport } from '../../integrations/imports/use-cases/run-import.js';
import { checkResumable } from '../../integrations/imports/use-cases/resume-import.js';
import { startImport } from '../../integrations/imports/use-cases/start-import.js';
import type { ImportJobView } from '../../integrations/imports/views.js';
import { csvStream } from '../../integrations/exports/csv-stream.js';
import { EXPORT_KINDS, type ExportKind } from '../../integrations/exports/schemas.js';
import { exportAssignments } from '../../integrations/exports/use-cases/export-assignments.js';
import { exportAudit } from '../../integrations/exports/use-cases/export-audit.js';
import { exportOrderKpis, exportRoutingKpis } from '../../integrations/exports/use-cases/export-kpis.js';
import { exportOrders } from '../../integrations/exports/use-cases/export-orders.js';
import { exportRegistrations } from '../../integrations/exports/use-cases/export-registrations.js';
import { AppError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

async function runWithBar(ctx: UseCaseContext, jobId: string): Promise<ImportJobView> {
  const bar = progressBar('Importing');
  const job = await runImport(ctx, jobId, { onProgress: (p) => bar.update(Math.round(p.progress.fraction * 1000), 1000) });
  bar.update(1000, 1000);
  bar.stop();
  return job;
}

async function report(ctx: UseCaseContext, job: ImportJobView): Promise<void> {
  const issues = await ctx.db
    .selectFrom('import_issues')
    .select(['line', 'severity', 'field', 'message'])
    .where('job_id', '=', job.id)
    .orderBy('line')
    .limit(50)
    .execute();
  for (const i of issues) console.error(`line ${i.line}: ${i.severity} ${i.field}: ${i.message}`);
  if (job.errors + job.warnings > issues.length)
    console.error(`… ${job.errors + job.warnings - issues.length} more; full report: GET /api/v1/imports/${job.id}/errors`);
  const verb = job.dryRun ? 'Checked' : job.status === 'done' ? 'Imported' : 'Did not import';
  console.log(
    `${verb} ${job.dryRun ? job.progress.linesTotal : job.imported} ${job.recordType} (job ${job.id}): ${job.status}; ${job.skipped} rows skipped, ${job.errors} with errors, ${job.warnings} warnings.${job.failure ? ` ${job.failure}` : ''}`,
  );
  if (job.status !== 'done' || job.errors > 0) process.exitCode = EXIT.failed;
}

/**
 * `baton import accounts|leads|opportunities FILE [--preset P] [--mapping m.json] [--dry-run] [--valid-rows]`,
 * `baton import resume JOB`, and `baton export KIND [--out FILE] [--from --to]`.
 */
export function registerImportExportCommands(program: Command, withRuntime: WithRuntime): void {
  const importer = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('import records from CSV');
  for (const type of ['accounts', 'leads', 'opportunities'] as const) {
    importer
      .command(`${type} <file>`)
      .description(`${type} from a CSV file (all or nothing unless --valid-rows); routed, audited and emitted like records created by hand`)
      .addOption(new Option('--preset <preset>', 'column names of another system').choices(PRESETS))
      .option('--mapping <file>', 'JSON file {"CSV column": "field"} (overrides the preset per column)')
      .option('--dry-run', 'check every row and report; write nothing')
      .option('--valid-rows', 'import the valid rows and report the others (default: any error rejects the file)')
      .action(
        async (file: string, options: { preset?: (typeof PRESETS)[number]; mapping?: string; dryRun?: boolean; validRows?: boolean }) => {
          if (!fs.existsSync(file)) throw new AppError('validation_failed', `${file}: no such file`);
          let mapping: Record<string, string> | null = null;
          if (options.mapping) {
            const parsed = MappingSchema.safeParse(JSON.parse(fs.readFileSync(options.mapping, 'utf8')));
            if (!parsed.success)
              throw new AppError('validation_failed', `--mapping: ${options.mapping} must be a JSON object {"CSV column": "field"}`);
            mapping = parsed.data;
          }
          await withRuntime(async (runtime) => {
            const ctx = cliContext(runtime);
            const started = await startImport(
              ctx,
              {
                type,
                preset: options.preset ?? null,
                mapping,
                dryRun: options.dryRun ?? false,
                mode: options.validRows ? 'valid_rows' : 'all_or_nothing',
              },
              { kind: 'file', path: file },
            );
            await report(ctx, await runWithBar(ctx, started.id));
          });
        },
      );
  }
  importer
    .command('resume <job>')
    .description('continue an import that stopped (crash, Ctrl-C) after its last committed line')
    .action(async (jobId: string) =>
      withRuntime(async (runtime) => {
        const ctx = cliContext(runtime);
        await checkResumable(ctx, jobId);
        await report(ctx, await runWithBar(ctx, jobId));
      }),
    );

  program
    .command('export')
    .description('export records as CSV (formula-safe cells), streamed')
    .addArgument(new Argument('<kind>', 'what to export').choices(EXPORT_KINDS))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--from <iso>', 'created at or after (ISO 8601)')
    .option('--to <iso>', 'created before (ISO 8601)')
    .action(async (kind: ExportKind, options: { out?: string; from?: string; to?: string }) =>
      withRuntime(async (runtime) => {
        const ctx = cliContext(runtime);
        const period = { from: options.from, to: options.to };
        for (const [name, value] of Object.entries(period))
          if (value !== undefined && Number.isNaN(Date.parse(value)))
            throw new AppError('validation_failed', `--${name}: not an ISO 8601 date`);
        const out = options.out ? fs.createWriteStream(options.out) : process.stdout;
        if (kind === 'order-kpis') {
          const k = await exportOrderKpis(ctx, period);
          out.write(k.csv);
          if (options.out) out.end();
          return;
        }
        const exp =
          kind === 'audit'
            ? exportAudit(ctx, period)
            : kind === 'assignments'
              ? exportAssignments(ctx, period)
              : kind === 'registrations'
                ? exportRegistrations(ctx, period)
                : kind === 'orders'
                  ? exportOrders(ctx, period)
                  : await exportRoutingKpis(ctx, {
                      from: new Date(options.from ?? Date.now() - 30 * 86_400_000),
                      to: new Date(options.to ?? Date.now()),
                    });
        if (options.out) await pipeline(csvStream(exp), out);
        else for await (const chunk of csvStream(exp)) process.stdout.write(chunk as Buffer);
      }),
    );
}
