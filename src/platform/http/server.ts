import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import underPressure from '@fastify/under-pressure';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { type ZodTypeProvider, jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { AppError } from '../errors.js';
import { createMetrics } from '../observability/metrics.js';
import type { UseCaseContext } from '../use-case-context.js';
import { type Authenticator, installAccessHooks } from './access-hooks.js';
import { installIdempotency } from './idempotency.js';
import { errorHandler, problemOf, sendProblem } from './problem.js';

export type ServerDeps = {
  db: Db;
  pool: pg.Pool;
  clock: Clock;
  logger: Logger;
  authenticate: Authenticator;
  cookieSecret: string;
  trustProxy: boolean;
  version: string;
  /** Built web app to serve at `/`; omitted in API-only tests. */
  webRoot?: string;
  bodyLimit?: number;
  rateLimit?: { max: number; timeWindow: string };
  /** Answer 503 when the event loop is saturated (default on). */
  loadShedding?: boolean;
  /** Extra top-level OpenAPI members (the event catalogue as `x-event-catalogue`). */
  openApiExtra?: () => Record<string, unknown>;
};

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The use-case context for this request: db, actor, clock, request id, idempotency claim. */
    context(): UseCaseContext;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** Builds the HTTP server without listening: every cross-cutting concern, no feature routes. */
export async function buildServer(deps: ServerDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: deps.trustProxy,
    bodyLimit: deps.bodyLimit ?? 256 * 1024,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // JSON only: without a text/plain parser, any other body type is answered with 415.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Baton API', version: deps.version, description: 'One accountable owner for every commercial record.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'baton_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
      ...deps.openApiExtra?.(),
    },
    transform: jsonSchemaTransform,
    // Named (recursive) schemas such as the routing Condition become components the paths refer to.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  if (deps.loadShedding !== false) await app.register(underPressure, {
    maxEventLoopDelay: 2_000,
    maxEventLoopUtilization: 0.98,
    retryAfter: 5,
    customError: class extends AppError {
      constructor() {
        super('service_unavailable', 'Baton is under heavy load; retry shortly.');
      }
    },
  });
  await app.register(fastifyCookie, { secret: deps.cookieSecret });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/' },
    csrfOpts: { hmacKey: deps.cookieSecret },
    getUserInfo: (request) => (request.actor?.kind === 'user' ? (request.actor.sessionId ?? '') : ''),
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: deps.rateLimit?.max ?? 1_200,
    timeWindow: deps.rateLimit?.timeWindow ?? '1 minute',
    hook: 'preHandler',
    keyGenerator: (request) => (request.actor?.kind === 'user' ? `user:${request.actor.userId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => {
      const error = new AppError('rate_limited', `Too many requests; retry in ${context.after}.`);
      return Object.assign(error, { statusCode: 429 });
    },
  });

  installAccessHooks(app, deps.authenticate);
  installIdempotency(app, deps);
  createMetrics(deps).install(app);

  app.decorateRequest('context', function (this: import('fastify').FastifyRequest) {
    if (!this.actor) throw new AppError('unauthenticated');
    return { db: deps.db, actor: this.actor, clock: deps.clock, requestId: this.id, ...(this.idempotencyClaim && { idempotency: this.idempotencyClaim }) };
  });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const webRoot = deps.webRoot;
  const hasWeb = webRoot !== undefined && fs.existsSync(path.join(webRoot, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const apiPath = request.url.startsWith('/api') || request.url === '/metrics';
    if (!apiPath && hasWeb && request.method === 'GET') return reply.type('text/html').sendFile('index.html');
    return sendProblem(reply, problemOf('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`, undefined, request.id));
  });
  return app;
}
