import { z } from 'zod';
import type { App } from '../../platform/http/server.js';
import { csvStream, type CsvExport } from './csv-stream.js';
import {
  AssignmentExportQuery,
  AuditExportQuery,
  OrderExportQuery,
  OrderKpiExportQuery,
  RegistrationExportQuery,
  RoutingKpiExportQuery,
} from './schemas.js';
import { exportAssignments } from './use-cases/export-assignments.js';
import { exportAudit } from './use-cases/export-audit.js';
import { exportOrderKpis, exportRoutingKpis } from './use-cases/export-kpis.js';
import { exportOrders } from './use-cases/export-orders.js';
import { exportRegistrations } from './use-cases/export-registrations.js';
import type { FastifyReply } from 'fastify';

const tags = ['integrations'];
const response = { 200: z.string().describe('CSV (text/csv), formula-safe cells') };

const send = (reply: FastifyReply, exp: CsvExport) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${exp.fileName}"`).send(csvStream(exp));

/** GET /api/v1/exports/{kind}.csv: streamed CSV downloads, each behind the permission that reads its records. */
export function registerExportRoutes(app: App): void {
  app.get(
    '/api/v1/exports/audit.csv',
    { config: { access: 'audit.read' }, schema: { tags, querystring: AuditExportQuery, response } },
    async (request, reply) => send(reply, exportAudit(request.context(), request.query)),
  );
  app.get(
    '/api/v1/exports/assignments.csv',
    { config: { access: 'assignment.read' }, schema: { tags, querystring: AssignmentExportQuery, response } },
    async (request, reply) => send(reply, exportAssignments(request.context(), request.query)),
  );
  app.get(
    '/api/v1/exports/registrations.csv',
    { config: { access: 'registration.read' }, schema: { tags, querystring: RegistrationExportQuery, response } },
    async (request, reply) => send(reply, exportRegistrations(request.context(), request.query)),
  );
  app.get(
    '/api/v1/exports/orders.csv',
    { config: { access: 'order.read' }, schema: { tags, querystring: OrderExportQuery, response } },
    async (request, reply) => send(reply, exportOrders(request.context(), request.query)),
  );
  app.get(
    '/api/v1/exports/routing-kpis.csv',
    { config: { access: 'report.routing' }, schema: { tags, querystring: RoutingKpiExportQuery, response } },
    async (request, reply) =>
      send(reply, await exportRoutingKpis(request.context(), { from: new Date(request.query.from), to: new Date(request.query.to) })),
  );
  app.get(
    '/api/v1/exports/order-kpis.csv',
    { config: { access: 'kpi.read' }, schema: { tags, querystring: OrderKpiExportQuery, response } },
    async (request, reply) => {
      const out = await exportOrderKpis(request.context(), request.query);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${out.fileName}"`).send(out.csv);
    },
  );
}
