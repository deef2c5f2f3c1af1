/** Basis points of an amount in minor units, rounded half away from zero (amounts here are ≥ 0). */
export const bpOf = (amountMinor: number, bp: number) => Math.floor((amountMinor * bp + 5000) / 10000);

export const lineNet = (qty: number, unitPriceMinor: number) => qty * unitPriceMinor;

export type MoneyLine = { qty: number; unitPriceMinor: number; unitCostMinor: number; rebateBp: number };
export type Totals = { netMinor: number; taxMinor: number; totalMinor: number };

/** Tax is computed once on the document net so line rounding cannot drift the total. */
export function documentTotals(lines: Array<{ netMinor: number }>, taxRateBp: number): Totals {
  const netMinor = lines.reduce((acc, l) => acc + l.netMinor, 0);
  const taxMinor = bpOf(netMinor, taxRateBp);
  return { netMinor, taxMinor, totalMinor: netMinor + taxMinor };
}

/** Margin = net revenue − cost snapshot − rebate accrual, per posted line. */
export function lineMargin(line: MoneyLine): { netMinor: number; costMinor: number; rebateMinor: number; marginMinor: number } {
  const netMinor = lineNet(line.qty, line.unitPriceMinor);
  const costMinor = line.qty * line.unitCostMinor;
  const rebateMinor = bpOf(netMinor, line.rebateBp);
  return { netMinor, costMinor, rebateMinor, marginMinor: netMinor - costMinor - rebateMinor };
}

/** Margin of a set of lines in basis points of net (0 for an empty order). */
export function marginBp(lines: Array<{ qty: number; unitPriceMinor: number; unitCostMinor: number }>): number {
  const net = lines.reduce((acc, l) => acc + l.qty * l.unitPriceMinor, 0);
  const cost = lines.reduce((acc, l) => acc + l.qty * l.unitCostMinor, 0);
  return net === 0 ? 0 : Math.floor(((net - cost) * 10000) / net);
}

export type PriceBreak = { id: string; minQuantity: number; unitPriceMinor: number };

/** The price for a quantity: the highest break whose minimum the quantity reaches — for the whole quantity. */
export function priceFor(breaks: PriceBreak[], qty: number): PriceBreak | null {
  let best: PriceBreak | null = null;
  for (const b of breaks) if (b.minQuantity <= qty && (!best || b.minQuantity > best.minQuantity)) best = b;
  return best;
}
