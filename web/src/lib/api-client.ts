import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types';

/** One field-level complaint from a 400 problem. */
export type FieldError = { path: string; message: string };

/** An RFC 9457 problem+json response, as a throwable error. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];

  constructor(status: number, problem: { title?: string; code?: string; detail?: string; errors?: FieldError[] }) {
    const detail = problem.detail ?? problem.title ?? `Request failed with status ${status}`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? 'unknown';
    this.title = problem.title ?? 'Error';
    this.detail = detail;
    this.errors = problem.errors ?? [];
  }

  /** Field errors keyed by path, for form inputs. */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries(this.errors.map((e) => [e.path, e.message]));
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/** A human message for any error a call can produce. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

// ---- CSRF --------------------------------------------------------------------------------------------
let csrfToken: string | null = null;

/** Remembered from the last /me or /session response; sent on every unsafe request. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

// ---- 401 handling ------------------------------------------------------------------------------------
let onUnauthorized: (() => void) | null = null;

/** Called when any call other than sign-in or /me gets 401 (the session expired or was revoked). */
export function setUnauthorizedHandler(handler: (() => void) | null) {
  onUnauthorized = handler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_PATHS = new Set(['/api/v1/session', '/api/v1/me']);

async function problemOf(response: Response): Promise<ApiError> {
  let body: unknown = undefined;
  try {
    body = await response.clone().json();
  } catch {
    // not JSON: fall back to the status text
  }
  if (body && typeof body === 'object') return new ApiError(response.status, body as ConstructorParameters<typeof ApiError>[1]);
  return new ApiError(response.status, { title: response.statusText || 'Error', detail: `Request failed with status ${response.status}` });
}

const middleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  async onResponse({ request, response }) {
    const pathname = new URL(request.url).pathname;
    if (!response.ok) {
      if (response.status === 401 && !SESSION_PATHS.has(pathname)) onUnauthorized?.();
      throw await problemOf(response);
    }
    if (SESSION_PATHS.has(pathname) && response.status === 200) {
      const body = (await response.clone().json()) as { csrfToken?: string | null };
      if (body.csrfToken !== undefined) setCsrfToken(body.csrfToken);
    }
    return response;
  },
};

/** The one typed client. Non-2xx responses reject with ApiError, so `data` is present when a call resolves. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(middleware);

/** Narrows an openapi-fetch result to its data (errors were already thrown by the middleware). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
}

export type Schemas = {
  Me: paths['/api/v1/me']['get']['responses'][200]['content']['application/json'];
  User: paths['/api/v1/users']['get']['responses'][200]['content']['application/json']['items'][number];
  Team: paths['/api/v1/teams']['get']['responses'][200]['content']['application/json']['items'][number];
  AuditEvent: paths['/api/v1/audit']['get']['responses'][200]['content']['application/json']['items'][number];
  AuditQuery: NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;
  Verification: paths['/api/v1/audit/verify']['get']['responses'][200]['content']['application/json'];
  Role: paths['/api/v1/users']['get']['responses'][200]['content']['application/json']['items'][number]['role'];
};
