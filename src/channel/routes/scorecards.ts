import { z } from 'zod';
import type { App } from '../../platform/http/server.js';
import { PartnerIdParams, ScorecardDetailResponse, ScorecardQuery, ScorecardsResponse } from '../schemas/scorecards.js';
import { getPartnerScorecard, getScorecards, getScorecardsCsv } from '../use-cases/get-scorecards.js';

const tags = ['channel'];

/** Partner scorecards: all partners for a period, one partner with a monthly series, and a CSV export. */
export function registerScorecardRoutes(app: App): void {
  app.get('/api/v1/scorecards', { config: { access: 'scorecard.read' }, schema: { tags, querystring: ScorecardQuery, response: { 200: ScorecardsResponse } } }, async (request) =>
    getScorecards(request.context(), request.query),
  );
  app.get('/api/v1/scorecards/csv', { config: { access: 'scorecard.read' }, schema: { tags, querystring: ScorecardQuery, response: { 200: z.string() } } }, async (request, reply) => {
    const csv = await getScorecardsCsv(request.context(), request.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="partner-scorecards.csv"').send(csv);
  });
  app.get(
    '/api/v1/scorecards/:partnerId',
    { config: { access: 'scorecard.read' }, schema: { tags, params: PartnerIdParams, querystring: ScorecardQuery, response: { 200: ScorecardDetailResponse } } },
    async (request) => getPartnerScorecard(request.context(), request.params.partnerId, request.query),
  );
}
