import { progressBar } from '../progress.js';

export const BENCHMARKS = ['rules', 'routing', 'escalation', 'foundation', 'orders', 'import', 'all'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

type Progress = (done: number, total: number) => void;
type Runner = (onProgress: Progress) => Promise<Record<string, unknown>>;

// Loaded on demand: the benchmarks live in bench/ and pull in dev-only baselines (json-rules-engine).
const RUNNERS: Record<Exclude<BenchmarkName, 'all'>, Runner> = {
  rules: async (onProgress) => (await import('../../../bench/rules.js')).runRulesBench({ onProgress }),
  routing: async (onProgress) => (await import('../../../bench/routing.js')).runRoutingBench({ onProgress }),
  escalation: async (onProgress) => (await import('../../../bench/escalation.js')).runEscalationBench({ onProgress }),
  foundation: async (onProgress) => (await import('../../../bench/run-all.js')).runFoundationBench({ onProgress }),
  orders: async (onProgress) => (await import('../../../bench/orders.js')).runOrdersBench({ onProgress }),
  import: async (onProgress) => (await import('../../../bench/import.js')).runImportBench({ onProgress }),
};

/**
 * `baton bench <name>`: each benchmark starts its own throwaway embedded PostgreSQL (never the configured
 * database), measures Baton against a baseline in the same run and prints JSON.
 */
export async function bench(name: BenchmarkName, options: { json?: boolean }): Promise<void> {
  const names = name === 'all' ? (['rules', 'routing', 'escalation', 'foundation', 'orders', 'import'] as const) : [name];
  const results: Record<string, unknown> = {};
  for (const each of names) {
    const bar = options.json ? { update: () => {}, stop: () => {} } : progressBar(`bench ${each}`);
    results[each] = await RUNNERS[each]((done, total) => bar.update(done, total));
    bar.stop();
  }
  const document = name === 'all' ? results : results[name];
  console.log(options.json ? JSON.stringify(document) : JSON.stringify(document, null, 2));
}
