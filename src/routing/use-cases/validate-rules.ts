import { assertCan } from '../../platform/access/can.js';
import type { FieldError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { RoutableRecordType } from '../core/record-types.js';
import type { Rule } from '../core/ruleset.js';
import { ruleErrors } from '../ruleset-checks.js';

/** The editor's live check: every problem with its JSON path, and whether the list could be published as is. */
export async function validateRules(ctx: UseCaseContext, request: { recordType: RoutableRecordType; rules: Rule[] }): Promise<{ valid: boolean; publishable: boolean; errors: FieldError[] }> {
  assertCan(ctx.actor, 'ruleset.read');
  const errors = await ruleErrors(ctx.db, request.recordType, request.rules, { forPublish: true });
  const blocking = errors.filter((e) => !isPublishOnly(e));
  return { valid: blocking.length === 0, publishable: errors.length === 0, errors };
}

const isPublishOnly = (e: FieldError) => e.path === 'rules' && e.message.startsWith('publishing needs');
