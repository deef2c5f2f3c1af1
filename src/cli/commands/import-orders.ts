import fs from 'node:fs';
import type { Command } from 'commander';
import type { Runtime } from '../../runtime.js';
import { cliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { progressBar } from '../progress.js';
import { importHistoricalOrders } from '../../orders/use-cases/import-historical-orders.js';

/** `baton import orders FILE.csv [--dry-run]`: historical orders in the Superstore shape. */
export function registerOrderCommands(program: Command, withRuntime: <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>): void {
  const importer = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('import records from CSV');
  importer
    .command('orders <file>')
    .description('historical orders (Superstore columns: segments → channels, regions → locations)')
    .option('--dry-run', 'check every row and report; write nothing')
    .action(async (file: string, options: { dryRun?: boolean }) =>
      withRuntime(async (runtime) => {
        const bar = progressBar('Importing orders');
        bar.update(0, 1);
        const summary = await importHistoricalOrders(cliContext(runtime), fs.readFileSync(file, 'utf8'), { dryRun: options.dryRun ?? false });
        bar.update(1, 1);
        bar.stop();
        for (const e of summary.errors.slice(0, 50)) console.error(`row ${e.row}: ${e.field} ${e.message}`);
        console.log(`${summary.dryRun ? 'Would import' : 'Imported'} ${summary.orders} orders (${summary.lines} lines), ${summary.channels} channels, ${summary.locations} locations, ${summary.items} items, ${summary.customers} customers; ${summary.errors.length} rows rejected.`);
        if (summary.errors.length > 0) process.exitCode = EXIT.failed;
      }),
    );
}
