import type { ControlPointName, Trx } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { type GateFacts, decide } from './core/gates.js';
import { type OrderRow, gatesOfOrder, openException, writeDecision } from './store.js';

const NEUTRAL: GateFacts = { creditLimitMinor: Number.MAX_SAFE_INTEGER, exposureMinor: 0, orderTotalMinor: 0, marginBp: 10000, paymentStatus: 'paid', paymentTerms: 'net30', fullyAllocated: true };

/**
 * Crosses a document control point (shipment, invoice, return, credit): the order's pinned gates for it are
 * evaluated, the decision is written in the caller's transaction, and a failure opens an exception case and
 * stops the transition — by returning the failure so the caller commits the decision and then answers 422.
 */
export async function crossControlPoint(
  trx: Trx,
  ctx: UseCaseContext,
  order: OrderRow,
  controlPoint: ControlPointName,
  subject: { type: string; id: string },
  facts: Partial<GateFacts> = {},
): Promise<{ passed: true; decisionId: string } | { passed: false; decisionId: string; detail: string }> {
  const gates = gatesOfOrder(order)[controlPoint] ?? [];
  const terms = gates.some((g) => g.type === 'payment_status') ? await trx.selectFrom('customer_terms').select('payment_terms').where('account_id', '=', order.account_id).executeTakeFirst() : undefined;
  const verdict = decide(gates, { ...NEUTRAL, paymentStatus: order.payment_status, paymentTerms: terms?.payment_terms ?? 'prepaid', ...facts });
  if (verdict.outcome === 'hold') {
    const detail = verdict.failed.map((f) => `${f.type}: ${f.detail}`).join('; ');
    const decision = await writeDecision(trx, ctx, { controlPoint, subjectType: subject.type, subjectId: subject.id, order, outcome: 'fail', rules: verdict.results, reason: detail });
    await openException(trx, ctx, { controlPoint, category: verdict.failed[0]!.type, subjectType: subject.type, subjectId: subject.id, orderId: order.id, channelId: order.channel_id, detail });
    return { passed: false, decisionId: decision.id, detail };
  }
  const decision = await writeDecision(trx, ctx, { controlPoint, subjectType: subject.type, subjectId: subject.id, order, outcome: verdict.outcome, rules: verdict.results });
  return { passed: true, decisionId: decision.id };
}

export const gateFailure = (controlPoint: ControlPointName, detail: string) => new AppError('rule_violation', `${controlPoint} gate failed: ${detail}. An exception case was opened.`);
