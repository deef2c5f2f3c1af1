import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { acknowledgeAssignment } from '../acknowledge.js';
import { findAssignment } from '../store.js';
import { withRenderedExplanations } from '../stored-explanation.js';
import { type AssignmentView, assignmentView } from '../views.js';

/** The explicit "accept": only the owner can acknowledge their own assignment. */
export async function acceptAssignment(ctx: UseCaseContext, assignmentId: string): Promise<AssignmentView> {
  assertCan(ctx.actor, 'assignment.read');
  return inTransaction(ctx, async (trx) => {
    const assignment = await trx.selectFrom('assignments').selectAll().where('id', '=', assignmentId).forUpdate().executeTakeFirst();
    if (!assignment) throw notFound('assignment');
    if (assignment.owner_id !== actorOf(ctx).id) throw new AppError('forbidden', 'Only the owner can acknowledge an assignment.');
    if (assignment.closed_at) throw new AppError('conflict', 'This assignment is closed.');
    await acknowledgeAssignment(trx, ctx, assignment, 'accepted');
    const [accepted] = await withRenderedExplanations(trx, [(await findAssignment(trx, assignment.id))!]);
    return assignmentView(accepted!);
  });
}
