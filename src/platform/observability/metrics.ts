import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/database.js';

/** Prometheus metrics: HTTP latency by route, the app's connection pool, and graphile-worker job counts. */
export function createMetrics(deps: { db: Db; pool: pg.Pool }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'baton_' });
  const httpDuration = new Histogram({
    name: 'baton_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const httpErrors = new Counter({ name: 'baton_http_problems_total', help: 'Problem responses by code', labelNames: ['status'] as const, registers: [registry] });
  new Gauge({
    name: 'baton_db_pool_connections',
    help: 'Application connection pool',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, deps.pool.totalCount);
      this.set({ state: 'idle' }, deps.pool.idleCount);
      this.set({ state: 'waiting' }, deps.pool.waitingCount);
    },
  });
  new Gauge({
    name: 'baton_jobs',
    help: 'graphile-worker jobs by task and state',
    labelNames: ['task', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ task: string; state: string; n: string }>`
        select task_identifier as task,
               case when locked_at is not null then 'running'
                    when attempts >= max_attempts then 'failed'
                    when run_at > now() then 'scheduled' else 'queued' end as state,
               count(*) as n
          from graphile_worker.jobs group by 1, 2`.execute(deps.db);
      for (const row of rows.rows) this.set({ task: row.task, state: row.state }, Number(row.n));
    },
  });

  function install(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      if (reply.statusCode >= 400) httpErrors.inc({ status: String(reply.statusCode) });
    });
    app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  }
  return { registry, install };
}
