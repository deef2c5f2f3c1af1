import { z } from 'zod';
import type { App } from '../../platform/http/server.js';
import { ExceptionReportResponse, RoutingKpisResponse, MyWorkResponse, NotificationsResponse, OverrideRequestsResponse, RiskQueueResponse, StoredReportsResponse, UnassignedResponse } from '../http-schemas.js';
import { PeriodQuerySchema, RecordTypeSchema } from '../schemas.js';
import { getExceptionReport, getExceptionReportCsv } from '../use-cases/get-exception-report.js';
import { getMyWork } from '../use-cases/get-my-work.js';
import { getRoutingKpis } from '../use-cases/get-routing-kpis.js';
import { getRiskQueue } from '../use-cases/get-risk-queue.js';
import { listStoredExceptionReports } from '../use-cases/list-exception-reports.js';
import { listNotifications } from '../use-cases/list-notifications.js';
import { listOverrideRequests } from '../use-cases/list-override-requests.js';
import { listUnassigned } from '../use-cases/list-unassigned.js';
import { markNotificationsRead } from '../use-cases/mark-notifications-read.js';

const tags = ['queues'];
const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** The risk and unassigned queues, my work, my inbox, override requests and the exception report. */
export function registerQueueRoutes(app: App): void {
  app.get(
    '/api/v1/queues/risk',
    { config: { access: 'queue.risk' }, schema: { tags, querystring: z.strictObject({ teamId: z.uuid().optional(), limit: Limit(500, 200) }), response: { 200: RiskQueueResponse } } },
    async (request) => getRiskQueue(request.context(), request.query),
  );
  app.get(
    '/api/v1/queues/unassigned',
    { config: { access: 'queue.risk' }, schema: { tags, querystring: z.strictObject({ recordType: RecordTypeSchema.optional(), limit: Limit(500, 200) }), response: { 200: UnassignedResponse } } },
    async (request) => listUnassigned(request.context(), request.query),
  );
  app.get('/api/v1/me/work', { config: { access: 'assignment.read' }, schema: { tags, response: { 200: MyWorkResponse } } }, async (request) => getMyWork(request.context()));
  app.get(
    '/api/v1/me/notifications',
    { config: { access: 'notification.read_own' }, schema: { tags, querystring: z.strictObject({ unreadOnly: z.stringbool().optional(), limit: Limit(200, 50) }), response: { 200: NotificationsResponse } } },
    async (request) => listNotifications(request.context(), request.query),
  );
  app.post(
    '/api/v1/me/notifications/read',
    { config: { access: 'notification.read_own' }, schema: { tags, body: z.strictObject({ ids: z.array(z.uuid()).min(1).max(500).optional() }), response: { 200: z.object({ marked: z.number() }) } } },
    async (request) => markNotificationsRead(request.context(), request.body),
  );
  app.get(
    '/api/v1/override-requests',
    {
      config: { access: 'assignment.read' },
      schema: { tags, querystring: z.strictObject({ status: z.enum(['pending', 'approved', 'rejected']).optional(), limit: Limit(200, 100) }), response: { 200: OverrideRequestsResponse } },
    },
    async (request) => listOverrideRequests(request.context(), request.query),
  );
  const period = (q: { from: string; to: string }) => ({ from: new Date(q.from), to: new Date(q.to) });
  app.get(
    '/api/v1/reports/routing-exceptions',
    { config: { access: 'report.routing' }, schema: { tags, querystring: PeriodQuerySchema, response: { 200: ExceptionReportResponse } } },
    async (request) => getExceptionReport(request.context(), period(request.query)),
  );
  app.get(
    '/api/v1/reports/routing-exceptions/csv',
    { config: { access: 'report.routing' }, schema: { tags, querystring: PeriodQuerySchema, response: { 200: z.string() } } },
    async (request, reply) => {
      const csv = await getExceptionReportCsv(request.context(), period(request.query));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="routing-exceptions-${request.query.from.slice(0, 10)}.csv"`).send(csv);
    },
  );
  app.get('/api/v1/kpis/routing', { config: { access: 'report.routing' }, schema: { tags, querystring: PeriodQuerySchema, response: { 200: RoutingKpisResponse } } }, async (request) =>
    getRoutingKpis(request.context(), period(request.query)),
  );
  app.get('/api/v1/reports/routing-exceptions/weekly', { config: { access: 'report.routing' }, schema: { tags, response: { 200: StoredReportsResponse } } }, async (request) =>
    listStoredExceptionReports(request.context()),
  );
}
