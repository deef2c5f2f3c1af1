import { z } from 'zod';
import { etagOf, versionFromIfMatch } from '../../platform/http/etag.js';
import type { App } from '../../platform/http/server.js';
import { PageQuerySchema } from '../../platform/pagination.js';
import { IdParams, PublishResponse, RoutingPolicyResponse, RuleTestResponse, RulesetResponse, SimulationResponse, ValidationResponse, listOf } from '../http-schemas.js';
import { CopyRulesetSchema, CreateRulesetSchema, DecisionSchema, RecordTypeSchema, RoutingPolicySchema, SimulateSchema, TestRulesSchema, UpdateRulesetSchema, ValidateRulesSchema } from '../schemas.js';
import { approveRuleset } from '../use-cases/approve-ruleset.js';
import { copyRuleset } from '../use-cases/copy-ruleset.js';
import { createRuleset } from '../use-cases/create-ruleset.js';
import { getRoutingPolicy } from '../use-cases/get-routing-policy.js';
import { getRuleset, listRulesets } from '../use-cases/list-rulesets.js';
import { publishRuleset } from '../use-cases/publish-ruleset.js';
import { retireRuleset } from '../use-cases/retire-ruleset.js';
import { returnRuleset } from '../use-cases/return-ruleset.js';
import { simulateRuleset } from '../use-cases/simulate-ruleset.js';
import { testRuleset } from '../use-cases/test-ruleset.js';
import { updateRoutingPolicy } from '../use-cases/update-routing-policy.js';
import { updateRuleset } from '../use-cases/update-ruleset.js';
import { validateRules } from '../use-cases/validate-rules.js';

const tags = ['routing'];
const ifMatch = z.object({ 'if-match': z.string().optional() });

/** Rule sets through their life (draft → [approval] → published → retired), the editor's checks, simulation, policy. */
export function registerRulesetRoutes(app: App): void {
  app.get(
    '/api/v1/rulesets',
    {
      config: { access: 'ruleset.read' },
      schema: { tags, querystring: z.strictObject({ ...PageQuerySchema, recordType: RecordTypeSchema.optional(), status: z.enum(['draft', 'pending_approval', 'published', 'retired']).optional() }), response: { 200: listOf(RulesetResponse) } },
    },
    async (request) => listRulesets(request.context(), request.query),
  );
  app.post('/api/v1/rulesets', { config: { access: 'ruleset.write' }, schema: { tags, body: CreateRulesetSchema, response: { 201: RulesetResponse } } }, async (request, reply) => {
    const ruleset = await createRuleset(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(ruleset.version)).header('location', `/api/v1/rulesets/${ruleset.id}`).send(ruleset);
  });
  app.get('/api/v1/rulesets/:id', { config: { access: 'ruleset.read' }, schema: { tags, params: IdParams, response: { 200: RulesetResponse } } }, async (request, reply) => {
    const ruleset = await getRuleset(request.context(), request.params.id);
    return reply.header('etag', etagOf(ruleset.version)).send(ruleset);
  });
  app.patch(
    '/api/v1/rulesets/:id',
    { config: { access: 'ruleset.write' }, schema: { tags, params: IdParams, headers: ifMatch, body: UpdateRulesetSchema, response: { 200: RulesetResponse } } },
    async (request, reply) => {
      const ruleset = await updateRuleset(request.context(), { rulesetId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), changes: request.body });
      return reply.header('etag', etagOf(ruleset.version)).send(ruleset);
    },
  );
  app.post('/api/v1/rulesets/:id/copy', { config: { access: 'ruleset.write' }, schema: { tags, params: IdParams, body: CopyRulesetSchema, response: { 201: RulesetResponse } } }, async (request, reply) => {
    const ruleset = await copyRuleset(request.context(), { rulesetId: request.params.id, name: request.body.name });
    return reply.code(201).header('etag', etagOf(ruleset.version)).header('location', `/api/v1/rulesets/${ruleset.id}`).send(ruleset);
  });
  app.post(
    '/api/v1/rulesets/:id/publish',
    { config: { access: 'ruleset.write' }, schema: { tags, params: IdParams, headers: ifMatch, response: { 200: PublishResponse, 202: PublishResponse } } },
    async (request, reply) => {
      const outcome = await publishRuleset(request.context(), { rulesetId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']) });
      return reply.code(outcome.pendingApproval ? 202 : 200).header('etag', etagOf(outcome.ruleset.version)).send(outcome);
    },
  );
  app.post(
    '/api/v1/rulesets/:id/approve',
    { config: { access: 'ruleset.publish' }, schema: { tags, params: IdParams, headers: ifMatch, response: { 200: RulesetResponse } } },
    async (request, reply) => {
      const ruleset = await approveRuleset(request.context(), { rulesetId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']) });
      return reply.header('etag', etagOf(ruleset.version)).send(ruleset);
    },
  );
  for (const [action, run] of [
    ['return', returnRuleset],
    ['retire', retireRuleset],
  ] as const) {
    app.post(
      `/api/v1/rulesets/:id/${action}`,
      { config: { access: 'ruleset.publish' }, schema: { tags, params: IdParams, headers: ifMatch, body: DecisionSchema, response: { 200: RulesetResponse } } },
      async (request, reply) => {
        const ruleset = await run(request.context(), { rulesetId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), reason: request.body.reason });
        return reply.header('etag', etagOf(ruleset.version)).send(ruleset);
      },
    );
  }
  app.post('/api/v1/rulesets/validate', { config: { access: 'ruleset.read' }, schema: { tags, body: ValidateRulesSchema, response: { 200: ValidationResponse } } }, async (request) =>
    validateRules(request.context(), request.body),
  );
  app.post('/api/v1/rulesets/test', { config: { access: 'ruleset.read' }, schema: { tags, body: TestRulesSchema, response: { 200: RuleTestResponse } } }, async (request) =>
    testRuleset(request.context(), request.body),
  );
  app.post('/api/v1/routing/simulate', { config: { access: 'routing.simulate' }, schema: { tags, body: SimulateSchema, response: { 200: SimulationResponse } } }, async (request) =>
    simulateRuleset(request.context(), request.body),
  );

  app.get('/api/v1/routing/policy', { config: { access: 'routing.configure' }, schema: { tags, response: { 200: RoutingPolicyResponse } } }, async (request, reply) => {
    const policy = await getRoutingPolicy(request.context());
    return reply.header('etag', etagOf(policy.version)).send(policy);
  });
  app.patch(
    '/api/v1/routing/policy',
    { config: { access: 'routing.configure' }, schema: { tags, headers: ifMatch, body: RoutingPolicySchema, response: { 200: RoutingPolicyResponse } } },
    async (request, reply) => {
      const policy = await updateRoutingPolicy(request.context(), { expectedVersion: versionFromIfMatch(request.headers['if-match']), changes: request.body });
      return reply.header('etag', etagOf(policy.version)).send(policy);
    },
  );
}
