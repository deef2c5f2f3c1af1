/** The closed list of error codes Baton answers with; `problemStatus` is the one code → HTTP status table. */
export const problemStatus = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_invalid: 403,
  not_found: 404,
  conflict: 409,
  idempotency_in_flight: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rule_violation: 422,
  precondition_required: 428,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof problemStatus;

export const problemTitle: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  unauthenticated: 'Sign in required',
  forbidden: 'Not allowed',
  csrf_invalid: 'Missing or invalid CSRF token',
  not_found: 'Not found',
  conflict: 'Conflicts with the current state',
  idempotency_in_flight: 'A request with this Idempotency-Key is still being processed',
  precondition_failed: 'The resource has changed since you read it',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Only application/json is accepted',
  idempotency_key_reused: 'This Idempotency-Key was used with a different request',
  rule_violation: 'Breaks a business rule',
  precondition_required: 'If-Match is required',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  service_unavailable: 'Temporarily unavailable',
};

export type FieldError = { path: string; message: string };

/** Thrown by use cases and platform code; turned into RFC 9457 problem+json at the HTTP edge. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  constructor(code: ErrorCode, detail?: string, errors?: FieldError[]) {
    super(detail ?? problemTitle[code]);
    this.code = code;
    this.errors = errors;
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `No such ${what}.`);
export const invalidField = (path: string, message: string) =>
  new AppError('validation_failed', `${path}: ${message}`, [{ path, message }]);
