import type { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../platform/http/server.js';
import { invalidField } from '../../platform/errors.js';
import { IMPORT_TYPES, PRESETS } from './core/mapping.js';
import { MappingSchema } from './schemas.js';
import { importErrorReport } from './use-cases/import-error-report.js';
import { getImport, listImports } from './use-cases/list-imports.js';
import { checkResumable } from './use-cases/resume-import.js';
import { runImport } from './use-cases/run-import.js';
import { startImport } from './use-cases/start-import.js';

const tags = ['integrations'];
const access = 'integration.manage' as const;
const IdParams = z.strictObject({ id: z.uuid() });
/** The largest CSV an upload may be (a million typical lead rows is ~100 MB). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

const Progress = z.object({
  phase: z.enum(['validating', 'importing']),
  bytesDone: z.number(),
  fraction: z.number(),
  linesTotal: z.number().int().nullable(),
  linesValidated: z.number().int(),
  checkpointLine: z.number().int(),
});
export const ImportJobResponse = z.object({
  id: z.uuid(),
  recordType: z.enum(IMPORT_TYPES),
  status: z.enum(['uploading', 'queued', 'validating', 'importing', 'done', 'rejected', 'failed']),
  mode: z.enum(['all_or_nothing', 'valid_rows']),
  dryRun: z.boolean(),
  preset: z.string().nullable(),
  mapping: z.record(z.string(), z.string()),
  fileName: z.string(),
  fileBytes: z.number(),
  progress: Progress,
  imported: z.number().int(),
  skipped: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
  failure: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

const StartQuery = z.strictObject({
  type: z.enum(IMPORT_TYPES),
  preset: z.enum(PRESETS).optional(),
  mapping: z.string().max(20_000).optional().describe('JSON object {"CSV column": "field"}'),
  mode: z.enum(['all_or_nothing', 'valid_rows']).default('all_or_nothing'),
  dryRun: z.enum(['true', 'false']).default('false'),
  fileName: z.string().min(1).max(255).optional(),
});

/** The upload's body stream, with a stable fingerprint for Idempotency-Key (a retry under the key gets the same job). */
type CsvBody = { stream: Readable; toJSON(): unknown };

export function registerImportRoutes(app: App): void {
  app.get(
    '/api/v1/imports',
    {
      config: { access },
      schema: {
        tags,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(ImportJobResponse) }) },
      },
    },
    async (request) => listImports(request.context(), request.query),
  );
  app.get(
    '/api/v1/imports/:id',
    { config: { access }, schema: { tags, params: IdParams, response: { 200: ImportJobResponse } } },
    async (request) => getImport(request.context(), request.params.id),
  );
  app.get(
    '/api/v1/imports/:id/errors',
    { config: { access }, schema: { tags, params: IdParams, response: { 200: z.string() } } },
    async (request, reply) => {
      const report = await importErrorReport(request.context(), request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="import-${request.params.id}-errors.csv"`)
        .send(report as unknown as string);
    },
  );
  app.post(
    '/api/v1/imports/:id/resume',
    { config: { access }, schema: { tags, params: IdParams, response: { 202: ImportJobResponse } } },
    async (request, reply) => {
      const ctx = request.context();
      const job = await checkResumable(ctx, request.params.id);
      runInBackground(app, ctx, job.id);
      return reply.code(202).send(job);
    },
  );

  // Only these routes take text/csv, streamed: the rest of the API stays JSON-only.
  void app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(['text/csv', 'application/csv'], (request, payload, done) => {
      const length = request.headers['content-length'];
      if (length !== undefined && Number(length) > MAX_IMPORT_BYTES) {
        done(Object.assign(new Error(`The file is larger than ${MAX_IMPORT_BYTES} bytes.`), { statusCode: 413 }), undefined);
        return;
      }
      const body: CsvBody = { stream: payload as Readable, toJSON: () => ({ csv: request.headers['content-length'] ?? 'chunked' }) };
      done(null, body);
    });
    scope.post(
      '/api/v1/imports',
      {
        config: { access },
        schema: {
          tags,
          description:
            'Upload a CSV (Content-Type: text/csv, streamed, at most 256 MiB); answers 202 with the job, whose progress GET /api/v1/imports/{id} shows.',
          querystring: StartQuery,
          response: { 202: ImportJobResponse },
        },
      },
      async (request, reply) => {
        const body = request.body as CsvBody | undefined;
        if (!body?.stream) throw invalidField('body', 'send the CSV file as the body with Content-Type: text/csv');
        let mapping: Record<string, string> | null = null;
        if (request.query.mapping) {
          let json: unknown;
          try {
            json = JSON.parse(request.query.mapping);
          } catch {
            throw invalidField('query.mapping', 'is not JSON');
          }
          const parsed = MappingSchema.safeParse(json);
          if (!parsed.success) throw invalidField('query.mapping', 'must be a JSON object {"CSV column": "field"}');
          mapping = parsed.data;
        }
        const ctx = request.context();
        const job = await startImport(
          ctx,
          {
            type: request.query.type,
            preset: request.query.preset ?? null,
            mapping,
            mode: request.query.mode,
            dryRun: request.query.dryRun === 'true',
            fileName: request.query.fileName,
          },
          { kind: 'upload', body: body.stream, maxBytes: MAX_IMPORT_BYTES },
        );
        runInBackground(app, ctx, job.id);
        return reply.code(202).header('location', `/api/v1/imports/${job.id}`).send(job);
      },
    );
  });
}

/** The job runs after the answer; its lease and checkpoint make a crash here resumable, by POST …/resume or the worker. */
function runInBackground(app: App, ctx: ReturnType<import('fastify').FastifyRequest['context']>, jobId: string): void {
  const { idempotency: _idempotency, ...rest } = ctx;
  setImmediate(() => {
    runImport(rest, jobId).catch((error: unknown) => app.log.warn({ err: error, jobId }, 'import stopped'));
  });
}
