/**
 * What a simulation tells a RevOps lead before publishing: who would own each record, how many owners
 * change, how work spreads over people, and whether any pool member would end up over their WIP cap.
 *
 * Decisions behind the numbers:
 * - `changed` compares the projected owner with the record's owner today (not with what the published rule
 *   set would pick today): the diff is what publishing-and-rerouting would actually move.
 * - Projected load is `open + incoming`, where incoming counts simulated records projected to a member that
 *   they do not own today. Work moving away is shown (`outgoing`) but not subtracted: a re-route closes the
 *   old assignment only if the record is re-routed, so the cap check stays on the safe side.
 * - A record nobody could place is counted under the owner `null` in the distribution.
 */

export type SimulatedRecord = {
  recordId: string;
  currentOwnerId: string | null;
  projectedOwnerId: string | null;
  ruleId: string | null;
  ruleName: string | null;
  catchAll: boolean;
  /** The pool that placed the record in the simulation, if any. */
  poolId: string | null;
};

export type MemberLoad = { poolId: string; userId: string; openCount: number; wipCap: number | null };

export type OwnerDistribution = { ownerId: string | null; current: number; projected: number; delta: number };
export type ProjectedLoad = MemberLoad & { incoming: number; outgoing: number; projected: number; over: boolean };
export type RuleHits = { ruleId: string | null; ruleName: string | null; catchAll: boolean; hits: number };

export type SimulationSummary = {
  records: number;
  changed: number;
  unplaced: number;
  catchAllHits: number;
  distribution: OwnerDistribution[];
  load: ProjectedLoad[];
  ruleHits: RuleHits[];
};

const ownerKey = (id: string | null) => id ?? '';

export function ownerDistribution(records: SimulatedRecord[]): OwnerDistribution[] {
  const byOwner = new Map<string, OwnerDistribution>();
  const entry = (ownerId: string | null) => {
    let row = byOwner.get(ownerKey(ownerId));
    if (!row) byOwner.set(ownerKey(ownerId), (row = { ownerId, current: 0, projected: 0, delta: 0 }));
    return row;
  };
  for (const r of records) {
    entry(r.currentOwnerId).current++;
    entry(r.projectedOwnerId).projected++;
  }
  const rows = [...byOwner.values()].map((row) => ({ ...row, delta: row.projected - row.current }));
  // Biggest movers first, then a stable order so the same input always prints the same table.
  return rows.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || b.projected - a.projected || ownerKey(a.ownerId).localeCompare(ownerKey(b.ownerId)));
}

export function projectedLoad(records: SimulatedRecord[], members: MemberLoad[]): ProjectedLoad[] {
  const incoming = new Map<string, number>();
  const outgoing = new Map<string, number>();
  for (const r of records) {
    if (r.projectedOwnerId === r.currentOwnerId) continue;
    if (r.projectedOwnerId) incoming.set(r.projectedOwnerId, (incoming.get(r.projectedOwnerId) ?? 0) + 1);
    if (r.currentOwnerId) outgoing.set(r.currentOwnerId, (outgoing.get(r.currentOwnerId) ?? 0) + 1);
  }
  return members.map((m) => {
    const gained = incoming.get(m.userId) ?? 0;
    const projected = m.openCount + gained;
    return { ...m, incoming: gained, outgoing: outgoing.get(m.userId) ?? 0, projected, over: m.wipCap !== null && projected > m.wipCap };
  });
}

/** Hits per rule in rule order as first seen; records no rule matched appear as a row with `ruleId: null`. */
export function ruleHits(records: SimulatedRecord[], ruleOrder: Array<{ id: string; name: string; catchAll: boolean }>): RuleHits[] {
  const counts = new Map<string | null, number>();
  for (const r of records) counts.set(r.ruleId, (counts.get(r.ruleId) ?? 0) + 1);
  const rows: RuleHits[] = ruleOrder.map((rule) => ({ ruleId: rule.id, ruleName: rule.name, catchAll: rule.catchAll, hits: counts.get(rule.id) ?? 0 }));
  const noMatch = counts.get(null) ?? 0;
  if (noMatch > 0) rows.push({ ruleId: null, ruleName: null, catchAll: false, hits: noMatch });
  return rows;
}

export function summarizeSimulation(records: SimulatedRecord[], members: MemberLoad[], ruleOrder: Array<{ id: string; name: string; catchAll: boolean }>): SimulationSummary {
  return {
    records: records.length,
    changed: records.filter((r) => r.projectedOwnerId !== r.currentOwnerId).length,
    unplaced: records.filter((r) => r.projectedOwnerId === null).length,
    catchAllHits: records.filter((r) => r.catchAll).length,
    distribution: ownerDistribution(records),
    load: projectedLoad(records, members),
    ruleHits: ruleHits(records, ruleOrder),
  };
}
