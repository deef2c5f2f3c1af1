import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, type FieldError, problemStatus, problemTitle } from '../errors.js';

export type Problem = {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  errors?: FieldError[];
};

export function problemOf(code: ErrorCode, detail?: string, errors?: FieldError[], requestId?: string): Problem {
  return {
    type: `https://baton.dev/problems/${code.replaceAll('_', '-')}`,
    title: problemTitle[code],
    status: problemStatus[code],
    code,
    detail: detail ?? problemTitle[code],
    ...(requestId && { instance: `urn:request:${requestId}` }),
    ...(errors && errors.length > 0 && { errors }),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_CSRF_INVALID_TOKEN: 'csrf_invalid',
  FST_CSRF_MISSING_SECRET: 'csrf_invalid',
  FST_UNDER_PRESSURE: 'service_unavailable',
};

// PostgreSQL conditions a client can cause or retry; their text never leaves the server.
const PG_CODES: Record<string, ErrorCode> = {
  '23505': 'conflict',
  '23503': 'conflict',
  '40001': 'conflict',
  '40P01': 'conflict',
  '55P03': 'conflict',
  '57014': 'service_unavailable',
  '53300': 'service_unavailable',
};

const LOCATION_PREFIX: Record<string, string> = { body: '', querystring: 'query.', params: 'path.', headers: 'header.' };

function validationErrors(error: FastifyError & { validation: Array<{ instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }> }): FieldError[] {
  const prefix = LOCATION_PREFIX[error.validationContext ?? 'body'] ?? '';
  return error.validation.flatMap((issue) => {
    const base = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      return (issue.params.keys as string[]).map((key) => ({ path: `${prefix}${base ? `${base}.` : ''}${key}`, message: 'unknown field' }));
    }
    return [{ path: `${prefix}${base}` || prefix.replace(/\.$/, '') || '(body)', message: issue.message ?? 'invalid' }];
  });
}

/** Maps anything thrown to RFC 9457 problem+json; never SQL text, constraint names or stacks. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const requestId = request.id;
  if (error instanceof AppError) return sendProblem(reply, problemOf(error.code, error.message, error.errors, requestId));
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = validationErrors(error as never);
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return sendProblem(reply, problemOf('validation_failed', detail, errors, requestId));
  }
  const fastifyError = error as FastifyError & { code?: string; statusCode?: number };
  const fastifyCode = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (fastifyCode) {
    const detail = fastifyCode === 'validation_failed' ? 'The body is not valid JSON.' : undefined;
    return sendProblem(reply, problemOf(fastifyCode, detail, undefined, requestId));
  }
  if (fastifyError.statusCode === 429) return sendProblem(reply, problemOf('rate_limited', fastifyError.message, undefined, requestId));
  const pgCode = typeof fastifyError.code === 'string' ? PG_CODES[fastifyError.code] : undefined;
  if (pgCode) {
    request.log.warn({ err: error }, 'database refused the change');
    const detail = pgCode === 'conflict' ? 'The change conflicts with another change; reload and try again.' : undefined;
    return sendProblem(reply, problemOf(pgCode, detail, undefined, requestId));
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return sendProblem(reply, problemOf('validation_failed', 'The request could not be understood.', undefined, requestId));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, problemOf('internal', 'Something went wrong on our side; the request id identifies it in the logs.', undefined, requestId));
}
