import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../access/actor.js';
import { isPartnerRole, type Permission, rolePermissions } from '../access/permissions.js';
import { AppError } from '../errors.js';

/** What a route demands: nothing, any signed-in principal, or one permission from the table. */
export type RouteAccess = 'public' | 'authenticated' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** Every guarded route and what it demands; the access-matrix test walks this. */
    routeTable: Array<{ method: string; url: string; access: RouteAccess }>;
  }
}

export type Authenticator = {
  session(token: string): Promise<Actor | null>;
  token(token: string): Promise<Actor | null>;
};

export const SESSION_COOKIE = 'baton_session';
export const PARTNER_API_PREFIX = '/api/partner/v1/';
// Routes about the caller themselves, open to partner users too.
const SELF_ROUTES = new Set(['/api/v1/me', '/api/v1/session']);

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function resolveActor(request: FastifyRequest, authenticate: Authenticator): Promise<Actor | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_\-.]{10,200})$/.exec(header);
    const actor = match ? await authenticate.token(match[1]!) : null;
    if (!actor) throw new AppError('unauthenticated', 'The bearer token is invalid, expired or revoked.');
    return actor;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? authenticate.session(cookie) : null;
}

/**
 * Every /api route must declare `config.access`, or the server refuses to start; the access matrix test
 * reads the same declarations. Requests are authenticated and authorised before their body is parsed.
 */
export function installAccessHooks(app: FastifyInstance, authenticate: Authenticator): void {
  app.decorateRequest('actor', null);
  const routeTable: FastifyInstance['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const guarded = route.url.startsWith('/api/') || route.url === '/metrics';
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    if (!guarded || methods.length === 0) return;
    const access = route.config?.access;
    if (access === undefined) throw new Error(`Route ${methods.join(',')} ${route.url} does not declare config.access`);
    for (const method of methods) routeTable.push({ method, url: route.url, access });
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined) return;
    request.actor = await resolveActor(request, authenticate);
    if (access === 'public') return;
    const actor = request.actor;
    if (!actor) throw new AppError('unauthenticated');
    const url = request.routeOptions.url ?? '';
    const partnerRoute = url.startsWith(PARTNER_API_PREFIX);
    if (!SELF_ROUTES.has(url) && partnerRoute !== isPartnerRole(actor.role)) {
      throw new AppError('forbidden', partnerRoute ? 'The partner API is for partner users.' : 'Partner users use the partner API.');
    }
    if (access !== 'authenticated' && !rolePermissions[actor.role].includes(access)) {
      throw new AppError('forbidden', `Your role (${actor.role}) does not have ${access}.`);
    }
  });
  // Cookie-authenticated writes need the CSRF token bound to their session; bearer tokens are not ambient.
  // Public routes (sign-in) take JSON only, which a cross-site form cannot send.
  app.addHook('onRequest', (request, reply, done) => {
    const actor = request.actor;
    const isPublic = request.routeOptions.config.access === 'public';
    if (!isPublic && actor?.kind === 'user' && actor.via === 'session' && UNSAFE.has(request.method)) {
      app.csrfProtection(request, reply, done);
      return;
    }
    done();
  });
}
