import { z } from 'zod';
import type { Actor } from '../platform/access/actor.js';
import { rolePermissions } from '../platform/access/permissions.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/database.js';
import { SESSION_COOKIE } from '../platform/http/access-hooks.js';
import { etagOf, versionFromIfMatch } from '../platform/http/etag.js';
import type { App } from '../platform/http/server.js';
import { PageQuerySchema } from '../platform/pagination.js';
import { CalendarResponse, IdParams, MeResponse, TeamResponse, TokenResponse, UserResponse, listOf } from './http-schemas.js';
import {
  CreateCalendarSchema,
  CreateTeamSchema,
  CreateTokenSchema,
  CreateUserSchema,
  DeactivateUserSchema,
  RoleSchema,
  SignInSchema,
  UpdateCalendarSchema,
  UpdateTeamSchema,
  UpdateUserSchema,
} from './schemas.js';
import { createApiToken } from './use-cases/create-api-token.js';
import { createCalendar } from './use-cases/create-calendar.js';
import { createTeam } from './use-cases/create-team.js';
import { createUser } from './use-cases/create-user.js';
import { deactivateUser } from './use-cases/deactivate-user.js';
import { getMe } from './use-cases/get-me.js';
import { getUser } from './use-cases/get-user.js';
import { listApiTokens } from './use-cases/list-api-tokens.js';
import { getCalendar, listCalendars } from './use-cases/list-calendars.js';
import { getTeam, listTeams } from './use-cases/list-teams.js';
import { listUsers } from './use-cases/list-users.js';
import { revokeApiToken } from './use-cases/revoke-api-token.js';
import { type SessionPolicy, signIn } from './use-cases/sign-in.js';
import { signOut } from './use-cases/sign-out.js';
import { updateCalendar } from './use-cases/update-calendar.js';
import { updateTeam } from './use-cases/update-team.js';
import { updateUser } from './use-cases/update-user.js';

const ifMatch = z.object({ 'if-match': z.string().optional() });

export function registerIdentityRoutes(app: App, deps: { db: Db; clock: Clock; policy: SessionPolicy }): void {
  // ---- session -------------------------------------------------------------------------------------
  app.post(
    '/api/v1/session',
    {
      config: {
        access: 'public',
        // Per address and account, so one attacker cannot lock out a user from everywhere else.
        rateLimit: { max: 10, timeWindow: '15 minutes', keyGenerator: (request) => `login:${request.ip}:${String((request.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}` },
      },
      schema: { tags: ['session'], body: SignInSchema, response: { 200: MeResponse } },
    },
    async (request, reply) => {
      const result = await signIn(
        { db: deps.db, clock: deps.clock, requestId: request.id, policy: deps.policy },
        { ...request.body, previousSessionToken: request.cookies[SESSION_COOKIE], ip: request.ip, userAgent: request.headers['user-agent'] },
      );
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        path: '/',
        expires: result.expiresAt,
      });
      return {
        user: result.user,
        permissions: [...rolePermissions[result.user.role]],
        csrfToken: reply.generateCsrf({ userInfo: result.sessionId }),
        via: 'session' as const,
      };
    },
  );

  app.delete('/api/v1/session', { config: { access: 'authenticated' }, schema: { tags: ['session'] } }, async (request, reply) => {
    await signOut(request.context());
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/v1/me', { config: { access: 'authenticated' }, schema: { tags: ['session'], response: { 200: MeResponse } } }, async (request, reply) => {
    const actor = request.actor as Extract<Actor, { kind: 'user' }>;
    const user = await getMe(request.context());
    return {
      user,
      permissions: [...rolePermissions[actor.role]],
      csrfToken: actor.via === 'session' ? reply.generateCsrf({ userInfo: actor.sessionId ?? '' }) : null,
      via: actor.via,
    };
  });

  // ---- users ---------------------------------------------------------------------------------------
  app.get(
    '/api/v1/users',
    {
      config: { access: 'user.read' },
      schema: {
        tags: ['identity'],
        querystring: z.strictObject({ ...PageQuerySchema, role: RoleSchema.optional(), teamId: z.uuid().optional(), status: z.enum(['active', 'deactivated']).optional(), q: z.string().max(200).optional() }),
        response: { 200: listOf(UserResponse) },
      },
    },
    async (request) => listUsers(request.context(), request.query),
  );
  app.post(
    '/api/v1/users',
    { config: { access: 'user.manage' }, schema: { tags: ['identity'], body: CreateUserSchema, response: { 201: UserResponse } } },
    async (request, reply) => {
      const user = await createUser(request.context(), request.body);
      return reply.code(201).header('etag', etagOf(user.version)).header('location', `/api/v1/users/${user.id}`).send(user);
    },
  );
  app.get('/api/v1/users/:id', { config: { access: 'user.read' }, schema: { tags: ['identity'], params: IdParams, response: { 200: UserResponse } } }, async (request, reply) => {
    const user = await getUser(request.context(), request.params.id);
    return reply.header('etag', etagOf(user.version)).send(user);
  });
  app.patch(
    '/api/v1/users/:id',
    { config: { access: 'user.manage' }, schema: { tags: ['identity'], params: IdParams, headers: ifMatch, body: UpdateUserSchema, response: { 200: UserResponse } } },
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const user = await updateUser(request.context(), { userId: request.params.id, expectedVersion, changes: request.body });
      return reply.header('etag', etagOf(user.version)).send(user);
    },
  );
  app.post(
    '/api/v1/users/:id/deactivate',
    { config: { access: 'user.manage' }, schema: { tags: ['identity'], params: IdParams, headers: ifMatch, body: DeactivateUserSchema, response: { 200: UserResponse } } },
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const user = await deactivateUser(request.context(), { userId: request.params.id, expectedVersion, reason: request.body.reason, rerouteOpenWork: request.body.rerouteOpenWork ?? false });
      return reply.header('etag', etagOf(user.version)).send(user);
    },
  );

  // ---- teams ---------------------------------------------------------------------------------------
  app.get('/api/v1/teams', { config: { access: 'team.read' }, schema: { tags: ['identity'], response: { 200: listOf(TeamResponse) } } }, async (request) => listTeams(request.context()));
  app.post('/api/v1/teams', { config: { access: 'team.manage' }, schema: { tags: ['identity'], body: CreateTeamSchema, response: { 201: TeamResponse } } }, async (request, reply) => {
    const team = await createTeam(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(team.version)).header('location', `/api/v1/teams/${team.id}`).send(team);
  });
  app.get('/api/v1/teams/:id', { config: { access: 'team.read' }, schema: { tags: ['identity'], params: IdParams, response: { 200: TeamResponse } } }, async (request, reply) => {
    const team = await getTeam(request.context(), request.params.id);
    return reply.header('etag', etagOf(team.version)).send(team);
  });
  app.patch(
    '/api/v1/teams/:id',
    { config: { access: 'team.manage' }, schema: { tags: ['identity'], params: IdParams, headers: ifMatch, body: UpdateTeamSchema, response: { 200: TeamResponse } } },
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const team = await updateTeam(request.context(), { teamId: request.params.id, expectedVersion, changes: request.body });
      return reply.header('etag', etagOf(team.version)).send(team);
    },
  );

  // ---- calendars -----------------------------------------------------------------------------------
  app.get('/api/v1/calendars', { config: { access: 'calendar.read' }, schema: { tags: ['identity'], response: { 200: listOf(CalendarResponse) } } }, async (request) =>
    listCalendars(request.context()),
  );
  app.post(
    '/api/v1/calendars',
    { config: { access: 'calendar.manage' }, schema: { tags: ['identity'], body: CreateCalendarSchema, response: { 201: CalendarResponse } } },
    async (request, reply) => {
      const calendar = await createCalendar(request.context(), request.body);
      return reply.code(201).header('etag', etagOf(calendar.version)).header('location', `/api/v1/calendars/${calendar.id}`).send(calendar);
    },
  );
  app.get('/api/v1/calendars/:id', { config: { access: 'calendar.read' }, schema: { tags: ['identity'], params: IdParams, response: { 200: CalendarResponse } } }, async (request, reply) => {
    const calendar = await getCalendar(request.context(), request.params.id);
    return reply.header('etag', etagOf(calendar.version)).send(calendar);
  });
  app.patch(
    '/api/v1/calendars/:id',
    { config: { access: 'calendar.manage' }, schema: { tags: ['identity'], params: IdParams, headers: ifMatch, body: UpdateCalendarSchema, response: { 200: CalendarResponse } } },
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const calendar = await updateCalendar(request.context(), { calendarId: request.params.id, expectedVersion, changes: request.body });
      return reply.header('etag', etagOf(calendar.version)).send(calendar);
    },
  );

  // ---- API tokens ----------------------------------------------------------------------------------
  app.get('/api/v1/tokens', { config: { access: 'token.manage_own' }, schema: { tags: ['identity'], response: { 200: listOf(TokenResponse) } } }, async (request) =>
    listApiTokens(request.context()),
  );
  app.post(
    '/api/v1/tokens',
    { config: { access: 'token.manage_own' }, schema: { tags: ['identity'], body: CreateTokenSchema, response: { 201: TokenResponse.extend({ token: z.string() }) } } },
    async (request, reply) => reply.code(201).send(await createApiToken(request.context(), request.body)),
  );
  app.delete('/api/v1/tokens/:id', { config: { access: 'token.manage_own' }, schema: { tags: ['identity'], params: IdParams, response: { 200: TokenResponse } } }, async (request) =>
    revokeApiToken(request.context(), request.params.id),
  );
}
