/** Won and Lost close an opportunity; every other stage keeps it open. */
export const statusOfStage = (stage: string): 'open' | 'won' | 'lost' => (stage === 'Won' ? 'won' : stage === 'Lost' ? 'lost' : 'open');

type ConditionNode = { all?: ConditionNode[]; any?: ConditionNode[]; not?: ConditionNode; op?: string };

/** Stage-transition rules are the ones that look at a change (`changedTo`); only they re-route on a stage change. */
export function usesChangedTo(node: ConditionNode | undefined): boolean {
  if (!node) return false;
  if (node.op === 'changedTo') return true;
  return (node.all ?? []).some(usesChangedTo) || (node.any ?? []).some(usesChangedTo) || usesChangedTo(node.not);
}
