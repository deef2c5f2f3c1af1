/**
 * Every routable record type and the table that carries its `owner_id` / `current_assignment_id`.
 * Routing owns these two columns (a database trigger refuses other writers); other features add their
 * routable types here as they land, and pass the facts for their records to `routeRecord`.
 */
export const ROUTABLE_TABLES = {
  lead: 'leads',
  account: 'accounts',
  opportunity: 'opportunities',
  order_exception: 'order_exceptions',
  sales_order: 'sales_orders',
  registration: 'registrations',
  conflict_case: 'conflict_cases',
  expiry_decision: 'expiry_decisions',
} as const satisfies Record<string, string>;

export type RoutableRecordType = keyof typeof ROUTABLE_TABLES;
export const ROUTABLE_TYPES = Object.keys(ROUTABLE_TABLES) as RoutableRecordType[];

/** Record types whose facts routing loads itself; the others' callers pass facts in. */
export const SELF_DESCRIBED_TYPES: readonly RoutableRecordType[] = ['lead', 'account', 'opportunity'];

export const isRoutableType = (type: string): type is RoutableRecordType => Object.hasOwn(ROUTABLE_TABLES, type);
