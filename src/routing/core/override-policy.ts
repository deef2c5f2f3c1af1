/** Why a manual reassignment needs a second person, or null when it may happen at once. */
export function overrideApprovalReason(
  policy: { crossTeam: boolean; minAmount: number | null },
  move: { fromTeamId: string | null; toTeamId: string | null; amount: number | null; registeredAccount: boolean },
): string | null {
  if (move.registeredAccount) return 'the account is owned or registered by a channel partner';
  if (policy.crossTeam && move.fromTeamId !== null && move.fromTeamId !== move.toTeamId) return 'the record moves across teams';
  if (policy.minAmount !== null && move.amount !== null && move.amount >= policy.minAmount) return `the amount is at least ${policy.minAmount}`;
  return null;
}
