/**
 * Per-call statement profile for a benchmark: give the use case `profiler.db` (the database wrapped) and run each
 * call inside `profiler.call(op)`. Every statement a call sends (through Kysely, raw `sql` included; BEGIN and
 * COMMIT are not seen) is timed in the call's async context. The critical section of a call is measured from
 * the end of the last statement matching `lockStatement` (the moment the hot row lock is held) to the call's
 * return (after commit): how long that row is held, and how many statements run while it is.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import { sql } from 'kysely';
import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { percentiles, round } from './support.js';

type Statement = { sql: string; startMs: number; endMs: number };
type Call = { statements: Statement[]; pending: Map<unknown, Statement> };
type Summary = {
  calls: number;
  statements: number;
  ms: number[];
  critical: number[];
  criticalStatements: number[];
  firstStart: number;
  lastEnd: number;
};

export function statementProfiler<DB>(base: Kysely<DB>, lockStatement: RegExp) {
  const compile = (node: RootOperationNode, queryId: PluginTransformQueryArgs['queryId']) =>
    base.getExecutor().compileQuery(node, queryId).sql;
  const context = new AsyncLocalStorage<Call>();
  const summaries = new Map<string, Summary>();
  const statementCounts = new Map<string, { n: number; ms: number }>();
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      const call = context.getStore();
      if (call) call.pending.set(queryId, { sql: compile(node, queryId), startMs: performance.now(), endMs: NaN });
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const call = context.getStore();
      const statement = call?.pending.get(queryId);
      if (call && statement) {
        statement.endMs = performance.now();
        call.statements.push(statement);
        call.pending.delete(queryId);
      }
      return result;
    },
  };
  return {
    db: base.withPlugin(plugin),
    /** Runs one call; `outcome` names the path it took (e.g. success / shortage) from its result or error. */
    async call<T>(op: () => Promise<T>, outcome: (error: unknown) => string): Promise<T> {
      const call: Call = { statements: [], pending: new Map() };
      const started = performance.now();
      let error: unknown = null;
      try {
        return await context.run(call, op);
      } catch (e) {
        error = e;
        throw e;
      } finally {
        const ended = performance.now();
        const path = outcome(error);
        const summary = summaries.get(path) ?? {
          calls: 0,
          statements: 0,
          ms: [],
          critical: [],
          criticalStatements: [],
          firstStart: started,
          lastEnd: ended,
        };
        summary.firstStart = Math.min(summary.firstStart, started);
        summary.lastEnd = Math.max(summary.lastEnd, ended);
        summary.calls++;
        summary.statements += call.statements.length;
        summary.ms.push(ended - started);
        const lockAt = call.statements.findLastIndex((s) => lockStatement.test(s.sql));
        // Only a call that committed held the lock to its end (a missed conditional update rolls back and retries).
        if (lockAt >= 0 && error === null) {
          summary.critical.push(ended - call.statements[lockAt]!.endMs);
          summary.criticalStatements.push(call.statements.length - lockAt - 1);
        }
        summaries.set(path, summary);
        for (const s of call.statements) {
          const key = `${path}: ${s.sql.replace(/\s+/g, ' ').slice(0, 70)}`;
          const count = statementCounts.get(key) ?? { n: 0, ms: 0 };
          count.n++;
          count.ms += s.endMs - s.startMs;
          statementCounts.set(key, count);
        }
      }
    },
    report() {
      const paths = Object.fromEntries(
        [...summaries].map(([path, s]) => [
          path,
          {
            calls: s.calls,
            // From the first such call's start to the last one's end (the bench's successes come first, then shortages).
            spanMs: round(s.lastEnd - s.firstStart),
            statementsPerCall: round(s.statements / s.calls, 2),
            callMs: percentiles(s.ms, 1),
            // Statements from the lock to the return (the pre-commit flush included; BEGIN/COMMIT not counted).
            criticalSection:
              s.critical.length > 0
                ? { calls: s.critical.length, statementsAfterLock: percentiles(s.criticalStatements, 0), ms: percentiles(s.critical, 2) }
                : null,
          },
        ]),
      );
      // Each statement's mean round trip as the client saw it (lock waits included).
      const statements = [...statementCounts]
        .sort((a, b) => b[1].n - a[1].n)
        .map(([what, c]) => ({ what, n: c.n, meanMs: round(c.ms / c.n, 2) }));
      return { paths, statements };
    },
  };
}

/**
 * CPU spent by this process and by the database's processes (the postmaster and its children, found from a
 * backend's parent; `db` must be the superuser pool the observers use) between start and stop. On a shared box throughput swings with everyone else's load; CPU
 * per attempt mostly does not, so it is the number to compare across runs.
 */
export async function cpuMeter<DB>(db: Kysely<DB>) {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  const stat = (pid: string) => {
    try {
      // Fields after the command name (which may hold spaces): state is field 3, ppid 4, utime 14, stime 15.
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return { ppid: fields[1]!, cpuTicks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return null;
    }
  };
  const backend = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
  const postmaster = stat(String(backend))!.ppid;
  // Not the bench's own observers (wait sampling on the superuser pool this meter is given): only the app's
  // sessions and the server's background processes.
  const observers = async () =>
    new Set(
      (
        await sql<{
          pid: number;
        }>`select pid from pg_stat_activity where backend_type = 'client backend' and usename = current_user`.execute(db)
      ).rows.map((r) => String(r.pid)),
    );
  const databaseTicks = (skip: Set<string>) => {
    let ticks = stat(postmaster)?.cpuTicks ?? 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || skip.has(pid)) continue;
      const s = stat(pid);
      if (s?.ppid === postmaster) ticks += s.cpuTicks;
    }
    return ticks;
  };
  const skip0 = await observers();
  const node0 = process.cpuUsage();
  const db0 = databaseTicks(skip0);
  return {
    stop: async () => {
      const node = process.cpuUsage(node0);
      // An observer that connected during the run is left out entirely (it was not there at the start).
      const db1 = databaseTicks(new Set([...skip0, ...(await observers())]));
      return { nodeMs: round((node.user + node.system) / 1000), databaseMs: round((db1 - db0) / ticksPerMs) };
    },
  };
}
