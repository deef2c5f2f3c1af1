export const CONTROL_POINTS = ['ORDER_RELEASE', 'INVENTORY_ALLOCATION', 'SHIPMENT_CONFIRMATION', 'INVOICE_GENERATION', 'RETURN_AUTHORIZATION', 'CREDIT_MEMO'] as const;
export type ControlPoint = (typeof CONTROL_POINTS)[number];
export const GATE_TYPES = ['credit_limit', 'margin_floor', 'payment_status', 'stock_cover', 'manual_approval'] as const;
export type GateTypeName = (typeof GATE_TYPES)[number];

export type GateSpec =
  | { type: 'credit_limit'; version: number; utilisationBp?: number }
  | { type: 'margin_floor'; version: number; minMarginBp: number }
  | { type: 'payment_status'; version: number; requirePaid?: boolean }
  | { type: 'stock_cover'; version: number }
  | { type: 'manual_approval'; version: number; note?: string };

export type WorkflowGates = Partial<Record<ControlPoint, GateSpec[]>>;

export type GateFacts = {
  creditLimitMinor: number;
  exposureMinor: number;
  orderTotalMinor: number;
  marginBp: number;
  paymentStatus: 'unpaid' | 'authorized' | 'paid';
  paymentTerms: 'prepaid' | 'net30' | 'net60';
  fullyAllocated: boolean;
};

export type GateResult = { type: GateTypeName; version: number; passed: boolean; detail: string };

export function evaluateGate(gate: GateSpec, facts: GateFacts): GateResult {
  const result = (passed: boolean, detail: string): GateResult => ({ type: gate.type, version: gate.version, passed, detail });
  switch (gate.type) {
    case 'credit_limit': {
      const limit = Math.floor((facts.creditLimitMinor * (gate.utilisationBp ?? 10000)) / 10000);
      const needed = facts.exposureMinor + facts.orderTotalMinor;
      return result(needed <= limit, `exposure ${needed} vs limit ${limit}`);
    }
    case 'margin_floor':
      return result(facts.marginBp >= gate.minMarginBp, `margin ${facts.marginBp} bp vs floor ${gate.minMarginBp} bp`);
    case 'payment_status': {
      const paid = facts.paymentStatus !== 'unpaid';
      const passed = gate.requirePaid ? paid : paid || facts.paymentTerms !== 'prepaid';
      return result(passed, `payment ${facts.paymentStatus}, terms ${facts.paymentTerms}`);
    }
    case 'stock_cover':
      return result(facts.fullyAllocated, facts.fullyAllocated ? 'every line allocated' : 'not every line is allocated');
    case 'manual_approval':
      return result(false, gate.note ?? 'manual approval required');
  }
}

export const evaluateGates = (gates: GateSpec[], facts: GateFacts, waived: ReadonlySet<GateTypeName> = new Set()) =>
  gates.map((gate) => (waived.has(gate.type) ? { ...evaluateGate(gate, facts), passed: true, detail: 'waived by released hold' } : evaluateGate(gate, facts)));

export type DecisionOutcome = 'pass' | 'hold' | 'override';

/** pass: every gate passed on its own; override: passed only because a released hold waived a gate; hold otherwise. */
export function decide(gates: GateSpec[], facts: GateFacts, waived: ReadonlySet<GateTypeName> = new Set()): { outcome: DecisionOutcome; results: GateResult[]; failed: GateResult[] } {
  const results = evaluateGates(gates, facts, waived);
  const failed = results.filter((r) => !r.passed);
  if (failed.length > 0) return { outcome: 'hold', results, failed };
  const waivedAny = gates.some((g) => waived.has(g.type) && !evaluateGate(g, facts).passed);
  return { outcome: waivedAny ? 'override' : 'pass', results, failed };
}

// ---- variants -----------------------------------------------------------------------------------------

/** Where each gate can run: holds (manual approval, credit, margin) exist only before release. */
const GATE_CATALOG: Record<GateTypeName, readonly ControlPoint[]> = {
  credit_limit: ['ORDER_RELEASE'],
  margin_floor: ['ORDER_RELEASE'],
  manual_approval: ['ORDER_RELEASE'],
  stock_cover: ['ORDER_RELEASE', 'INVENTORY_ALLOCATION'],
  payment_status: CONTROL_POINTS,
};

export type VariantError = { path: string; message: string };

/** 0 = equal, 1 = stricter, -1 = looser. */
function strictness(standard: GateSpec, variant: GateSpec): number {
  switch (standard.type) {
    case 'credit_limit': {
      const a = standard.utilisationBp ?? 10000;
      const b = (variant as typeof standard).utilisationBp ?? 10000;
      return Math.sign(a - b);
    }
    case 'margin_floor':
      return Math.sign((variant as typeof standard).minMarginBp - standard.minMarginBp);
    case 'payment_status':
      return Math.sign(Number((variant as typeof standard).requirePaid ?? false) - Number(standard.requirePaid ?? false));
    default:
      return 0;
  }
}

/** A variant may only add gates or tighten the standard's; it can never remove a control point or loosen a gate. */
export function validateOverlay(standard: WorkflowGates, overlay: WorkflowGates): VariantError[] {
  const errors: VariantError[] = [];
  for (const [cp, gates] of Object.entries(overlay)) {
    if (!(CONTROL_POINTS as readonly string[]).includes(cp)) {
      errors.push({ path: `overlay.${cp}`, message: 'unknown control point' });
      continue;
    }
    const seen = new Set<string>();
    (gates ?? []).forEach((gate, i) => {
      const path = `overlay.${cp}[${i}]`;
      if (!(GATE_TYPES as readonly string[]).includes(gate.type)) return errors.push({ path: `${path}.type`, message: 'unknown gate type' });
      if (seen.has(gate.type)) return errors.push({ path: `${path}.type`, message: 'gate listed twice' });
      if (!GATE_CATALOG[gate.type].includes(cp as ControlPoint)) return errors.push({ path: `${path}.type`, message: `${gate.type} cannot run at ${cp}` });
      seen.add(gate.type);
      const base = (standard[cp as ControlPoint] ?? []).find((g) => g.type === gate.type);
      if (base && strictness(base, gate) < 0) errors.push({ path, message: `loosens the standard ${gate.type} gate` });
      if (gate.type === 'margin_floor' && !(Number.isInteger(gate.minMarginBp) && gate.minMarginBp >= -10000 && gate.minMarginBp <= 10000)) {
        errors.push({ path: `${path}.minMarginBp`, message: 'must be an integer between -10000 and 10000' });
      }
      if (gate.type === 'credit_limit' && gate.utilisationBp !== undefined && !(Number.isInteger(gate.utilisationBp) && gate.utilisationBp >= 0 && gate.utilisationBp <= 10000)) {
        errors.push({ path: `${path}.utilisationBp`, message: 'must be an integer between 0 and 10000' });
      }
      return undefined;
    });
  }
  return errors;
}

/** The standard with the overlay applied: same-type gates are replaced by the (tighter) variant gate, new ones appended. */
export function applyOverlay(standard: WorkflowGates, overlay: WorkflowGates): WorkflowGates {
  const merged: WorkflowGates = {};
  for (const cp of CONTROL_POINTS) {
    const base = standard[cp] ?? [];
    const extra = overlay[cp] ?? [];
    merged[cp] = [...base.map((g) => extra.find((e) => e.type === g.type) ?? g), ...extra.filter((e) => !base.some((g) => g.type === e.type))];
  }
  return merged;
}

export type VariantState = { status: 'proposed' | 'active' | 'retired'; reviewBy: Date | null; overlay: WorkflowGates };

/** New orders get the variant only while it is active and before its review date; otherwise the standard. */
export function effectiveGates(standard: WorkflowGates, variant: VariantState | null, now: Date): { gates: WorkflowGates; usesVariant: boolean } {
  if (variant && variant.status === 'active' && variant.reviewBy && variant.reviewBy.getTime() > now.getTime()) {
    return { gates: applyOverlay(standard, variant.overlay), usesVariant: true };
  }
  return { gates: applyOverlay(standard, {}), usesVariant: false };
}

/** What a variant changes, for the registry page. */
export function overlayDiff(standard: WorkflowGates, overlay: WorkflowGates): Array<{ controlPoint: ControlPoint; change: 'added' | 'tightened' | 'same'; gate: GateSpec; standard: GateSpec | null }> {
  const diff: Array<{ controlPoint: ControlPoint; change: 'added' | 'tightened' | 'same'; gate: GateSpec; standard: GateSpec | null }> = [];
  for (const cp of CONTROL_POINTS) {
    for (const gate of overlay[cp] ?? []) {
      const base = (standard[cp] ?? []).find((g) => g.type === gate.type) ?? null;
      diff.push({ controlPoint: cp, change: base === null ? 'added' : strictness(base, gate) > 0 ? 'tightened' : 'same', gate, standard: base });
    }
  }
  return diff;
}

/** Activation needs an owner, a rationale, a support model and a future review date. */
export function activationErrors(variant: { ownerId: string | null; rationale: string | null; supportModel: string | null; reviewBy: Date | null }, now: Date): VariantError[] {
  const errors: VariantError[] = [];
  if (!variant.ownerId) errors.push({ path: 'ownerId', message: 'an active variant needs an owner' });
  if (!variant.rationale?.trim()) errors.push({ path: 'rationale', message: 'an active variant needs a rationale' });
  if (!variant.supportModel?.trim()) errors.push({ path: 'supportModel', message: 'an active variant needs a support model' });
  if (!variant.reviewBy) errors.push({ path: 'reviewBy', message: 'an active variant needs a review date' });
  else if (variant.reviewBy.getTime() <= now.getTime()) errors.push({ path: 'reviewBy', message: 'the review date must be in the future' });
  return errors;
}
