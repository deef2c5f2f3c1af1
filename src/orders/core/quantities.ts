/** An order line's quantity buckets: the only truth about where the line stands. */
export type LineQuantities = {
  ordered: number;
  cancelled: number;
  allocated: number;
  shipped: number;
  invoiced: number;
  returnAuthorized: number;
  returnReceived: number;
  credited: number;
};

export type InvoicePolicy = 'on_order' | 'on_shipment';

export const emptyLine = (ordered: number): LineQuantities => ({
  ordered,
  cancelled: 0,
  allocated: 0,
  shipped: 0,
  invoiced: 0,
  returnAuthorized: 0,
  returnReceived: 0,
  credited: 0,
});

/** DOMAIN §7 invariants; the database CHECKs mirror them, this names the broken one. */
export function lineViolations(line: LineQuantities, policy: InvoicePolicy): string[] {
  const broken: string[] = [];
  for (const [bucket, value] of Object.entries(line)) if (!Number.isInteger(value) || value < 0) broken.push(`${bucket} must be a non-negative integer`);
  if (line.ordered <= 0) broken.push('ordered must be positive');
  if (line.cancelled + line.allocated + line.shipped > line.ordered) broken.push('cancelled + allocated + shipped exceeds ordered');
  if (line.invoiced > invoiceCeiling(line, policy)) broken.push(`invoiced exceeds what the ${policy} policy allows`);
  if (line.returnAuthorized > line.shipped) broken.push('return authorized exceeds shipped');
  if (line.returnReceived > line.returnAuthorized) broken.push('return received exceeds authorized');
  if (line.credited > Math.min(line.invoiced, line.returnReceived)) broken.push('credited exceeds min(invoiced, received)');
  return broken;
}

const invoiceCeiling = (line: LineQuantities, policy: InvoicePolicy) => (policy === 'on_order' ? line.ordered - line.cancelled : line.shipped);

/** What may still be invoiced (Odoo's rule): ordered − cancelled − invoiced, or shipped − invoiced. */
export const invoiceableQty = (line: LineQuantities, policy: InvoicePolicy) => Math.max(0, invoiceCeiling(line, policy) - line.invoiced);
/** What may still be allocated. */
export const unallocatedQty = (line: LineQuantities) => Math.max(0, line.ordered - line.cancelled - line.allocated - line.shipped);
/** What may still be authorized for return. */
export const returnableQty = (line: LineQuantities) => Math.max(0, line.shipped - line.returnAuthorized);
/** Goods credit needs received goods that were invoiced and not yet credited. */
export const creditableQty = (line: LineQuantities) => Math.max(0, Math.min(line.invoiced, line.returnReceived) - line.credited);

export type FulfilmentStatus = 'unallocated' | 'partially_allocated' | 'allocated' | 'partially_shipped' | 'shipped' | 'cancelled';
export type BillingStatus = 'not_invoiced' | 'partially_invoiced' | 'invoiced';
export type ReturnStatus = 'none' | 'authorized' | 'partially_returned' | 'returned' | 'credited';

const sum = (lines: LineQuantities[], pick: (l: LineQuantities) => number) => lines.reduce((acc, l) => acc + pick(l), 0);

export function fulfilmentStatus(lines: LineQuantities[]): FulfilmentStatus {
  const open = sum(lines, (l) => l.ordered - l.cancelled);
  if (open === 0) return 'cancelled';
  const shipped = sum(lines, (l) => l.shipped);
  const allocated = sum(lines, (l) => l.allocated);
  if (shipped >= open) return 'shipped';
  if (shipped > 0) return 'partially_shipped';
  if (allocated >= open) return 'allocated';
  if (allocated > 0) return 'partially_allocated';
  return 'unallocated';
}

export function billingStatus(lines: LineQuantities[]): BillingStatus {
  const open = sum(lines, (l) => l.ordered - l.cancelled);
  const invoiced = sum(lines, (l) => l.invoiced);
  if (invoiced === 0) return 'not_invoiced';
  return invoiced >= open ? 'invoiced' : 'partially_invoiced';
}

export function returnStatus(lines: LineQuantities[]): ReturnStatus {
  const authorized = sum(lines, (l) => l.returnAuthorized);
  if (authorized === 0) return 'none';
  const received = sum(lines, (l) => l.returnReceived);
  const shipped = sum(lines, (l) => l.shipped);
  if (received === 0) return 'authorized';
  if (sum(lines, (l) => l.credited) >= received) return 'credited';
  return received >= shipped ? 'returned' : 'partially_returned';
}

export type Lifecycle = 'submitted' | 'released' | 'closed' | 'cancelled';

/** The one status a list shows: lifecycle and holds first, then what the quantities say. */
export function orderStatus(lifecycle: Lifecycle, openHolds: number, lines: LineQuantities[]): string {
  if (lifecycle === 'cancelled' || lifecycle === 'closed') return lifecycle;
  if (openHolds > 0) return 'on_hold';
  if (lifecycle === 'submitted') return 'awaiting_release';
  const fulfilment = fulfilmentStatus(lines);
  const billing = billingStatus(lines);
  if (fulfilment === 'shipped' && billing === 'invoiced') return 'complete';
  if (fulfilment === 'shipped') return 'to_invoice';
  return fulfilment;
}

/** Closed only when every line is shipped-or-cancelled and billing is complete (ERPNext "Completed"). */
export const canClose = (lines: LineQuantities[], policy: InvoicePolicy) =>
  lines.every((l) => l.shipped + l.cancelled === l.ordered && invoiceableQty(l, policy) === 0);
