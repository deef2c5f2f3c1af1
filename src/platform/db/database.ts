import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string, string>;

export type Role =
  | 'admin'
  | 'revops'
  | 'sales_manager'
  | 'sales_rep'
  | 'channel_manager'
  | 'ops'
  | 'finance'
  | 'partner_admin'
  | 'partner_user'
  | 'integration';

export interface AuditEventTable {
  seq: ColumnType<string, never, never>;
  id: string;
  occurred_at: CreatedAt;
  event_name: string;
  entity_type: string;
  entity_id: string;
  actor_id: string | null;
  actor_label: string;
  reason: string | null;
  request_id: string | null;
  before: Json | null;
  after: Json | null;
  /** The writing transaction (set by the database): the sealer's way to find rows committed since it last looked. */
  xid: ColumnType<string, never, never>;
  /** SHA-256 of the content (chain.ts contentDigest), by the writer; null on rows from before sealing after commit. */
  digest: string | null;
}

/** A committed audit event's place in the hash chain. */
export interface AuditSealTable {
  position: ColumnType<string, number | string, never>;
  event_seq: ColumnType<string, number | string, never>;
  prev_hash: string;
  hash: string;
  sealed_at: CreatedAt;
}

export interface OutboxEventTable {
  seq: Generated<string>;
  id: Generated<string>;
  occurred_at: CreatedAt;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: Json;
  actor_id: string | null;
  request_id: string | null;
  published_at: Timestamp | null;
}

export interface IdempotencyKeyTable {
  principal: string;
  key: string;
  request_hash: string;
  method: string;
  path: string;
  state: 'in_flight' | 'committed' | 'done';
  response_status: number | null;
  response_body: string | null;
  response_headers: Json<Record<string, string>> | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface PartnerTable {
  id: Generated<string>;
  name: string;
  status: Generated<'active' | 'suspended' | 'terminated'>;
  channel_manager_id: ColumnType<string | null, string | null | undefined, string | null>;
  tier: Generated<string>;
  territory: Generated<string[]>;
  domains: Generated<string[]>;
  registration_cap: ColumnType<number | null, number | null | undefined, number | null>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CalendarTable {
  id: Generated<string>;
  name: string;
  time_zone: string;
  weekly_hours: Json<Record<string, Array<[string, string]>>>;
  holidays: Json<string[]>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TeamTable {
  id: Generated<string>;
  name: string;
  manager_id: string | null;
  calendar_id: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  team_id: string | null;
  calendar_id: string | null;
  partner_id: string | null;
  password_hash: string | null;
  status: Generated<'active' | 'deactivated'>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deactivated_at: Timestamp | null;
}

export interface SessionTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

// ---- routing ------------------------------------------------------------------------------------------
type BigIntColumn = ColumnType<string, number | string, number | string>;
type JsonObject = Record<string, unknown>;

interface OwnedRecordColumns {
  owner_id: ColumnType<string | null, string | null | undefined, string | null>;
  current_assignment_id: ColumnType<string | null, string | null | undefined, string | null>;
  attributes: ColumnType<JsonObject, string | undefined, string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AccountTable extends OwnedRecordColumns {
  id: Generated<string>;
  name: string;
  domain: string | null;
  region: string | null;
  country: string | null;
  segment: string | null;
  tier: string | null;
  industry: string | null;
  employees: number | null;
  annual_revenue: BigIntColumn | null;
  channel_partner_id: string | null;
  direct_only: Generated<boolean>;
  status: Generated<'active' | 'archived'>;
  postal_code: ColumnType<string | null, string | null | undefined, string | null>;
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  /** Generated by the database from `name` (baton_normalize_name). */
  normalized_name: ColumnType<string, never, never>;
  needs_review: Generated<boolean>;
  channel_assigned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  channel_assigned_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LeadTable extends OwnedRecordColumns {
  id: Generated<string>;
  name: string;
  company: string | null;
  email: string | null;
  domain: string | null;
  region: string | null;
  country: string | null;
  product: string | null;
  product_line: string | null;
  amount: BigIntColumn | null;
  currency: Generated<string>;
  source: string | null;
  status: Generated<'open' | 'converted' | 'disqualified'>;
  account_id: string | null;
}

export interface OpportunityTable extends OwnedRecordColumns {
  id: Generated<string>;
  name: string;
  account_id: string | null;
  stage: string;
  stage_changed_at: Timestamp;
  status: Generated<'open' | 'won' | 'lost'>;
  amount: BigIntColumn | null;
  currency: Generated<string>;
  product: string | null;
  product_line: string | null;
  region: string | null;
  close_date: ColumnType<Date | null, string | null | undefined, string | null>;
  partner_id: ColumnType<string | null, string | null | undefined, string | null>;
  registration_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface StageHistoryTable {
  id: Generated<string>;
  opportunity_id: string;
  from_stage: string | null;
  to_stage: string;
  changed_at: Timestamp;
  actor_id: string | null;
}

export interface ActivityTable {
  id: Generated<string>;
  record_type: string;
  record_id: string;
  kind: 'call' | 'email' | 'meeting' | 'note' | 'task';
  subject: string;
  notes: string | null;
  actor_id: string | null;
  partner_id: string | null;
  occurred_at: Timestamp;
  created_at: Timestamp;
}

export interface QueueTable {
  id: Generated<string>;
  name: string;
  owner_id: string;
  description: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EscalationPolicyTable {
  id: Generated<string>;
  name: string;
  steps: Json<Array<JsonObject>>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type PoolStrategy = 'round_robin' | 'weighted' | 'least_loaded';
export type ReturnPolicy = 'keep_position' | 'catch_up';

export interface PoolTable {
  id: Generated<string>;
  name: string;
  strategy: PoolStrategy;
  return_policy: ReturnPolicy;
  use_skills: boolean;
  respect_hours: boolean;
  criteria_caps: Json<Array<JsonObject>>;
  fallback_type: 'user' | 'pool' | 'queue' | null;
  fallback_id: string | null;
  fairness: Json<JsonObject>;
  decisions: ColumnType<string, number | string | undefined, number | string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PoolMemberTable {
  pool_id: string;
  user_id: string;
  position: number;
  weight: number;
  wip_cap: number | null;
  rate_per_day: number | null;
  rate_per_week: number | null;
  regions: string[];
  product_lines: string[];
}

export interface AbsenceTable {
  id: Generated<string>;
  user_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export type RoutableType = 'lead' | 'account' | 'opportunity';
export type RulesetStatus = 'draft' | 'pending_approval' | 'published' | 'retired';

export interface RulesetTable {
  id: Generated<string>;
  /** A key of ROUTABLE_TABLES; other features add their types there. */
  record_type: string;
  name: string;
  number: number;
  status: Generated<RulesetStatus>;
  rules: Json<Array<JsonObject>>;
  author_id: string | null;
  submitted_by: string | null;
  approved_by: string | null;
  published_at: Timestamp | null;
  retired_at: Timestamp | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoutingPolicyTable {
  id: Generated<boolean>;
  publish_requires_approval: boolean;
  override_approval_cross_team: boolean;
  override_approval_min_amount: BigIntColumn | null;
  default_sla_hours: ColumnType<string, number | string, number | string>;
  due_soon_hours: ColumnType<string, number | string, number | string>;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export type AssignmentSource = 'rule' | 'pool' | 'manual' | 'escalation' | 'import' | 'handoff';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface AssignmentTable {
  id: Generated<string>;
  record_type: string;
  record_id: string;
  owner_id: string;
  previous_owner_id: string | null;
  team_id: string | null;
  reason_code: string;
  reason: string;
  due_at: Timestamp;
  source: AssignmentSource;
  ruleset_id: string | null;
  ruleset_number: number | null;
  rule_id: string | null;
  pool_id: string | null;
  queue_id: string | null;
  fairness: Json<JsonObject> | null;
  explanation: Json<JsonObject>;
  priority: Generated<Priority>;
  escalation_policy_id: string | null;
  actor_id: string | null;
  actor_label: string;
  created_at: Timestamp;
  acknowledged_at: Timestamp | null;
  closed_at: Timestamp | null;
  closed_reason: string | null;
}

export interface UnassignedRecordTable {
  record_type: string;
  record_id: string;
  reason_code: string;
  reason: string;
  explanation: Json<JsonObject>;
  ruleset_id: string | null;
  since: Timestamp;
}

export type EscalationAction = 'due_soon' | 'notify_owner' | 'notify_manager' | 'reassign' | 'breach';

export interface EscalationTimerTable {
  id: Generated<string>;
  assignment_id: string;
  step_index: number;
  action: EscalationAction;
  target: Json<JsonObject> | null;
  fire_at: Timestamp;
  state: Generated<'pending' | 'fired' | 'cancelled'>;
  fired_at: Timestamp | null;
  outcome: string | null;
}

export interface OverrideRequestTable {
  id: Generated<string>;
  record_type: string;
  record_id: string;
  from_owner_id: string | null;
  to_user_id: string;
  reason_code: string;
  reason: string;
  due_at: Timestamp;
  approval_reason: string;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  requested_by: string;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  version: Generated<number>;
  created_at: Timestamp;
}

export type NotificationKind =
  'assigned' | 'due_soon' | 'breached' | 'escalated' | 'approval_needed' | 'approval_decided' | 'exception_report';

export interface NotificationTable {
  id: Generated<string>;
  user_id: string;
  kind: NotificationKind;
  record_type: string | null;
  record_id: string | null;
  title: string;
  body: string;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface ExceptionReportTable {
  id: Generated<string>;
  period_from: Timestamp;
  period_to: Timestamp;
  content: Json<JsonObject>;
  generated_at: Timestamp;
  generated_by: string;
}

export interface Database {
  audit_events: AuditEventTable;
  audit_seals: AuditSealTable;
  owner_open_counts: { user_id: string; open: number };
  audit_chain_head: {
    id: Generated<boolean>;
    seq: ColumnType<string, number | string, number | string>;
    hash: string;
    sealed_below: ColumnType<string, string, string>;
  };
  outbox_events: OutboxEventTable;
  idempotency_keys: IdempotencyKeyTable;
  partners: PartnerTable;
  calendars: CalendarTable;
  teams: TeamTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  accounts: AccountTable;
  leads: LeadTable;
  opportunities: OpportunityTable;
  stage_history: StageHistoryTable;
  activities: ActivityTable;
  queues: QueueTable;
  escalation_policies: EscalationPolicyTable;
  pools: PoolTable;
  pool_members: PoolMemberTable;
  absences: AbsenceTable;
  rulesets: RulesetTable;
  routing_policy: RoutingPolicyTable;
  assignments: AssignmentTable;
  unassigned_records: UnassignedRecordTable;
  escalation_timers: EscalationTimerTable;
  override_requests: OverrideRequestTable;
  notifications: NotificationTable;
  exception_reports: ExceptionReportTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_secrets: WebhookSecretTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  external_ids: ExternalIdTable;
}

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Store functions accept either, so a use case decides where the transaction boundary is. */
export type Executor = Db | Trx;

export type UserRow = Selectable<UserTable>;
export type TeamRow = Selectable<TeamTable>;
export type CalendarRow = Selectable<CalendarTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type NewOutboxEvent = Insertable<OutboxEventTable>;

// ---- orders (0005) --------------------------------------------------------------------------------------
type Minor = ColumnType<string, number | string, number | string>;
type GeneratedMinor = ColumnType<string, number | string | undefined, number | string>;
type Qty = ColumnType<number, number | undefined, number>;
export type ControlPointName =
  'ORDER_RELEASE' | 'INVENTORY_ALLOCATION' | 'SHIPMENT_CONFIRMATION' | 'INVOICE_GENERATION' | 'RETURN_AUTHORIZATION' | 'CREDIT_MEMO';
export type GateType = 'credit_limit' | 'margin_floor' | 'payment_status' | 'stock_cover' | 'manual_approval';

export interface LocationTable {
  id: Generated<string>;
  code: string;
  name: string;
  kind: 'warehouse' | 'branch' | 'in_transit';
  region: string | null;
  created_at: Timestamp;
}
export interface ItemTable {
  id: Generated<string>;
  sku: string;
  name: string;
  specs: Json<JsonObject>;
  unit_cost_minor: Minor;
  currency: Generated<string>;
  created_at: Timestamp;
  product_line: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface PriceListTable {
  id: Generated<string>;
  name: string;
  currency: Generated<string>;
  channel_id: string | null;
  tier: string | null;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
  priority: Generated<number>;
  created_at: Timestamp;
}
export interface PriceListItemTable {
  id: Generated<string>;
  price_list_id: string;
  item_id: string;
  min_quantity: Generated<number>;
  unit_price_minor: Minor;
}
export interface ChannelTable {
  id: Generated<string>;
  code: string;
  name: string;
  kind: 'ecommerce' | 'wholesale' | 'marketplace' | 'field_sales' | 'partner' | 'branch';
  allocation_strategy: Generated<'priority' | 'most_stock'>;
  invoice_policy: Generated<'on_order' | 'on_shipment'>;
  price_list_id: string | null;
  tax_rate_bp: Generated<number>;
  ops_owner_id: string | null;
  currency: Generated<string>;
  version: Generated<number>;
  created_at: Timestamp;
}
export interface ChannelLocationTable {
  channel_id: string;
  location_id: string;
  position: number;
}
export interface TaxRateTable {
  id: Generated<string>;
  channel_id: string;
  region: string | null;
  rate_bp: number;
}
export interface CustomerTermsTable {
  account_id: string;
  tier: Generated<string>;
  credit_limit_minor: GeneratedMinor;
  payment_terms: Generated<'prepaid' | 'net30' | 'net60'>;
  updated_at: Timestamp;
}
export interface RebateProgramTable {
  id: Generated<string>;
  name: string;
  tier: string | null;
  account_id: string | null;
  rate_bp: number;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
  created_at: Timestamp;
}
export interface WorkflowDefinitionTable {
  version: number;
  gates: Json<JsonObject>;
  status: 'active' | 'retired';
  created_at: Timestamp;
}
export interface WorkflowVariantTable {
  id: Generated<string>;
  channel_id: string;
  version: Generated<number>;
  base_version: number;
  overlay: Json<JsonObject>;
  owner_id: string | null;
  rationale: string | null;
  support_model: string | null;
  review_by: Timestamp | null;
  status: Generated<'proposed' | 'active' | 'retired'>;
  activated_by: string | null;
  activated_at: Timestamp | null;
  created_at: Timestamp;
}
export interface StockLevelTable {
  item_id: string;
  location_id: string;
  on_hand: Qty;
  allocated: Qty;
  quarantined: Qty;
  incoming: Qty;
}
export interface StockLedgerTable {
  id: Generated<string>;
  item_id: string;
  location_id: string;
  bucket: 'on_hand' | 'quarantined' | 'incoming';
  delta: number;
  reason: string;
  doc_type: string;
  doc_id: string | null;
  actor_id: string | null;
  at: Timestamp;
}
export interface CycleCountTable {
  id: Generated<string>;
  item_id: string;
  location_id: string;
  expected: number;
  counted: number;
  variance: Generated<number>;
  counted_by: string | null;
  counted_at: Timestamp;
}
export interface QuoteTable {
  id: Generated<string>;
  channel_id: string;
  account_id: string;
  opportunity_id: string | null;
  owner_user_id: string | null;
  status: Generated<'draft' | 'sent' | 'accepted' | 'rejected' | 'expired' | 'cancelled'>;
  valid_until: Timestamp;
  lines: Json<Array<{ itemId: string; qty: number; unitPriceMinor: number; priceListItemId: string | null }>>;
  version: Generated<number>;
  created_at: Timestamp;
}
export interface SalesOrderTable {
  id: Generated<string>;
  number: Generated<string>;
  channel_id: string;
  account_id: string;
  quote_id: string | null;
  region: string | null;
  currency: string;
  lifecycle: Generated<'submitted' | 'released' | 'closed' | 'cancelled'>;
  payment_status: Generated<'unpaid' | 'authorized' | 'paid'>;
  invoice_policy: 'on_order' | 'on_shipment';
  tax_rate_bp: number;
  workflow_version: number;
  variant_id: string | null;
  variant_version: number | null;
  gates: Json<JsonObject>;
  created_by: string | null;
  owner_id: ColumnType<string | null, string | null | undefined, string | null>;
  current_assignment_id: ColumnType<string | null, string | null | undefined, string | null>;
  version: Generated<number>;
  created_at: Timestamp;
  released_at: Timestamp | null;
  shipped_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  closed_at: Timestamp | null;
}
export interface OrderLineTable {
  id: Generated<string>;
  order_id: string;
  line_no: number;
  item_id: string;
  unit_price_minor: Minor;
  price_list_item_id: string | null;
  unit_cost_minor: Minor;
  qty_ordered: number;
  qty_cancelled: Qty;
  qty_allocated: Qty;
  qty_shipped: Qty;
  qty_invoiced: Qty;
  qty_return_authorized: Qty;
  qty_return_received: Qty;
  qty_credited: Qty;
}
export interface AllocationTable {
  id: Generated<string>;
  order_line_id: string | null;
  transfer_line_id: string | null;
  item_id: string;
  location_id: string;
  qty: number;
  status: Generated<'active' | 'consumed' | 'released'>;
  created_at: Timestamp;
  closed_at: Timestamp | null;
}
export interface ControlDecisionTable {
  id: Generated<string>;
  control_point: ControlPointName;
  subject_type: string;
  subject_id: string;
  order_id: string | null;
  channel_id: string | null;
  outcome: 'pass' | 'hold' | 'fail' | 'override';
  rules: Json<unknown[]>;
  workflow_version: number;
  variant_id: string | null;
  variant_version: number | null;
  actor_id: string | null;
  actor_label: string;
  reason: string | null;
  at: Timestamp;
}
export interface HoldTable {
  id: Generated<string>;
  order_id: string;
  control_point: ControlPointName;
  type: GateType;
  reason: string;
  decision_id: string;
  opened_at: Timestamp;
  released_at: Timestamp | null;
  released_by: string | null;
  release_reason: string | null;
}
export interface OrderExceptionTable {
  id: Generated<string>;
  control_point: ControlPointName;
  category: string;
  subject_type: string;
  subject_id: string;
  order_id: string | null;
  channel_id: string | null;
  detail: string;
  status: Generated<'open' | 'resolved' | 'waived'>;
  owner_id: ColumnType<string | null, string | null | undefined, string | null>;
  current_assignment_id: ColumnType<string | null, string | null | undefined, string | null>;
  due_at: Timestamp;
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  version: Generated<number>;
}
export interface ShipmentTable {
  id: Generated<string>;
  order_id: string;
  location_id: string;
  status: Generated<'planned' | 'confirmed' | 'cancelled'>;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
}
export interface ShipmentLineTable {
  id: Generated<string>;
  shipment_id: string;
  order_line_id: string;
  allocation_id: string;
  qty: number;
}
export interface InvoiceTable {
  id: Generated<string>;
  order_id: string;
  shipment_id: string | null;
  status: Generated<'draft' | 'posted' | 'void'>;
  net_minor: Minor;
  tax_minor: Minor;
  total_minor: Minor;
  currency: string;
  posted_at: Timestamp;
}
export interface InvoiceLineTable {
  id: Generated<string>;
  invoice_id: string;
  order_line_id: string;
  qty: number;
  net_minor: Minor;
  cost_minor: Minor;
  rebate_minor: GeneratedMinor;
  rebate_program_id: string | null;
}
export interface ReturnAuthorizationTable {
  id: Generated<string>;
  order_id: string;
  location_id: string;
  status: Generated<'authorized' | 'declined' | 'received' | 'closed'>;
  reason: string;
  authorized_at: Timestamp;
  received_at: Timestamp | null;
  credited_at: Timestamp | null;
  version: Generated<number>;
}
export interface ReturnLineTable {
  id: Generated<string>;
  return_id: string;
  order_line_id: string;
  qty_authorized: number;
  qty_received: Qty;
  qty_restocked: Qty;
  qty_quarantined: Qty;
  qty_scrapped: Qty;
}
export interface CreditMemoTable {
  id: Generated<string>;
  order_id: string;
  return_id: string | null;
  kind: 'goods' | 'price';
  reason_code: string | null;
  status: Generated<'draft' | 'approved' | 'posted' | 'void'>;
  net_minor: Minor;
  tax_minor: Minor;
  total_minor: Minor;
  posted_at: Timestamp;
}
export interface CreditMemoLineTable {
  id: Generated<string>;
  credit_memo_id: string;
  order_line_id: string;
  qty: number;
  net_minor: Minor;
}
export interface PurchaseOrderTable {
  id: Generated<string>;
  supplier: string;
  location_id: string;
  status: 'pending_approval' | 'ordered' | 'received' | 'cancelled';
  total_minor: Minor;
  approved_by: string | null;
  created_by: string | null;
  created_at: Timestamp;
  version: Generated<number>;
}
export interface PurchaseOrderLineTable {
  id: Generated<string>;
  purchase_order_id: string;
  item_id: string;
  qty_ordered: number;
  qty_received: Qty;
  unit_cost_minor: Minor;
}
export interface TransferTable {
  id: Generated<string>;
  from_location_id: string;
  to_location_id: string;
  transit_location_id: string;
  status: 'shipped' | 'partially_received' | 'received';
  created_at: Timestamp;
}
export interface TransferLineTable {
  id: Generated<string>;
  transfer_id: string;
  item_id: string;
  qty_shipped: number;
  qty_received: Qty;
}
export interface OrderEventTable {
  id: Generated<string>;
  order_id: string;
  channel_id: string;
  type: string;
  subject_id: string | null;
  actor_id: string | null;
  at: Timestamp;
}

// Declaration merging keeps this block append-only.
export interface Database {
  locations: LocationTable;
  items: ItemTable;
  price_lists: PriceListTable;
  price_list_items: PriceListItemTable;
  channels: ChannelTable;
  channel_locations: ChannelLocationTable;
  tax_rates: TaxRateTable;
  customer_terms: CustomerTermsTable;
  rebate_programs: RebateProgramTable;
  workflow_definitions: WorkflowDefinitionTable;
  workflow_variants: WorkflowVariantTable;
  stock_levels: StockLevelTable;
  stock_ledger: StockLedgerTable;
  cycle_counts: CycleCountTable;
  quotes: QuoteTable;
  sales_orders: SalesOrderTable;
  order_lines: OrderLineTable;
  allocations: AllocationTable;
  control_decisions: ControlDecisionTable;
  holds: HoldTable;
  order_exceptions: OrderExceptionTable;
  shipments: ShipmentTable;
  shipment_lines: ShipmentLineTable;
  invoices: InvoiceTable;
  invoice_lines: InvoiceLineTable;
  return_authorizations: ReturnAuthorizationTable;
  return_lines: ReturnLineTable;
  credit_memos: CreditMemoTable;
  credit_memo_lines: CreditMemoLineTable;
  purchase_orders: PurchaseOrderTable;
  purchase_order_lines: PurchaseOrderLineTable;
  transfers: TransferTable;
  transfer_lines: TransferLineTable;
  order_events: OrderEventTable;
}

// ---- integrations (0004) ---------------------------------------------------------------------------
export interface WebhookEndpointTable {
  id: Generated<string>;
  url: string;
  events: string[];
  description: string | null;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface WebhookSecretTable {
  id: Generated<string>;
  endpoint_id: string;
  secret: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
}
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';
export interface WebhookDeliveryTable {
  id: Generated<string>;
  event_id: string;
  endpoint_id: string;
  aggregate_version: number;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
}
export interface WebhookAttemptTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  response_excerpt: string | null;
  error: string | null;
  duration_ms: number;
  attempted_at: Timestamp;
}
export interface ExternalIdTable {
  source: string;
  record_type: 'accounts' | 'leads' | 'opportunities' | 'items' | 'customers' | 'stock-counts' | 'orders';
  external_id: string;
  record_id: string;
  last_version: ColumnType<string, string | number, string | number>;
  data_hash: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

// ---- channel (0006) -------------------------------------------------------------------------------------
type NullableColumn<T> = ColumnType<T | null, T | null | undefined, T | null>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
export type RegistrationStatus =
  'submitted' | 'under_review' | 'approved' | 'rejected' | 'returned' | 'won' | 'lost' | 'expired' | 'withdrawn';
export type ExpiryOutcome = 'extended' | 'reassigned' | 'opened_to_direct';
export type ConflictKind =
  | 'direct_opportunity_on_partner_account'
  | 'direct_activity_on_partner_account'
  | 'partner_registration_on_direct_account'
  | 'registration_overlap';
export type ConflictResolution = 'keep_partner' | 'keep_direct' | 'co_sell' | 'dismissed';

export interface PartnerTierTable {
  code: string;
  name: string;
  rank: number;
  registration_cap: number;
  price_tier: string;
}
export interface ChannelPolicyTable {
  id: Generated<boolean>;
  inactivity_days: Generated<number>;
  hard_cap_days: Generated<number>;
  warn_days_before: Generated<number>;
  review_sla_hours: ColumnType<string, number | string | undefined, number | string>;
  conflict_sla_hours: ColumnType<string, number | string | undefined, number | string>;
  decision_sla_hours: ColumnType<string, number | string | undefined, number | string>;
  name_match_threshold: ColumnType<string, number | string | undefined, number | string>;
  near_match_threshold: ColumnType<string, number | string | undefined, number | string>;
  paper_min_active: Generated<number>;
  paper_max_win_rate: ColumnType<string, number | string | undefined, number | string>;
  paper_window_days: Generated<number>;
  max_amount_minor: ColumnType<string, number | string | undefined, number | string>;
  version: Generated<number>;
  updated_at: Generated<Date>;
}
export interface ProductLineTable {
  code: string;
  name: string;
  description: string | null;
  created_at: Generated<Date>;
}
export interface RegistrationTable {
  id: Generated<string>;
  partner_id: string;
  submitted_by: string | null;
  reference: NullableColumn<string>;
  account_id: NullableColumn<string>;
  customer_name: string;
  customer_domain: NullableColumn<string>;
  customer_country: NullableColumn<string>;
  customer_region: NullableColumn<string>;
  customer_postal_code: NullableColumn<string>;
  customer_phone: NullableColumn<string>;
  product_line: string;
  amount_minor: ColumnType<string, number | string, number | string>;
  currency: Generated<string>;
  expected_close_date: ColumnType<Date, string, string>;
  description: NullableColumn<string>;
  internal_notes: NullableColumn<string>;
  probability: NullableColumn<number>;
  flags: ColumnType<unknown[], string | undefined, string>;
  match: ColumnType<JsonObject | null, string | null | undefined, string | null>;
  status: Generated<RegistrationStatus>;
  decision_code: NullableColumn<string>;
  decision_reason: NullableColumn<string>;
  info_request: NullableColumn<string>;
  approved_at: NullableTimestamp;
  last_activity_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  exclusivity_cap_at: NullableTimestamp;
  warn_at: NullableTimestamp;
  warned_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  expiry_outcome: NullableColumn<ExpiryOutcome>;
  reassigned_from_id: NullableColumn<string>;
  owner_id: NullableColumn<string>;
  current_assignment_id: NullableColumn<string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface AccountMatchTable {
  id: Generated<string>;
  subject_type: 'lead' | 'registration';
  subject_id: string;
  account_id: string | null;
  method: 'domain' | 'name' | 'none';
  score: ColumnType<string, number | string, number | string>;
  evidence: Json<JsonObject>;
  near_match_id: string | null;
  created_account: Generated<boolean>;
  created_at: Timestamp;
}
export interface ConflictCaseTable {
  id: Generated<string>;
  account_id: string;
  kind: ConflictKind;
  partner_id: string | null;
  registration_id: string | null;
  source_type: string;
  source_id: string;
  detail: string;
  status: Generated<'open' | 'resolved'>;
  resolution: NullableColumn<ConflictResolution>;
  resolution_reason: NullableColumn<string>;
  resolved_by: NullableColumn<string>;
  resolved_at: NullableTimestamp;
  due_at: Timestamp;
  owner_id: NullableColumn<string>;
  current_assignment_id: NullableColumn<string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface ExpiryDecisionTable {
  id: Generated<string>;
  registration_id: string;
  status: Generated<'open' | 'decided'>;
  decision: NullableColumn<ExpiryOutcome>;
  reassigned_to_partner: NullableColumn<string>;
  reason: NullableColumn<string>;
  decided_by: NullableColumn<string>;
  decided_at: NullableTimestamp;
  due_at: Timestamp;
  owner_id: NullableColumn<string>;
  current_assignment_id: NullableColumn<string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface PartnerNoticeTable {
  id: Generated<string>;
  partner_id: string;
  registration_id: string | null;
  kind: 'decision' | 'expiry_warning' | 'expired' | 'info_requested' | 'extended';
  title: string;
  body: string;
  created_at: Timestamp;
  read_at: NullableTimestamp;
}

export interface Database {
  partner_tiers: PartnerTierTable;
  channel_policy: ChannelPolicyTable;
  product_lines: ProductLineTable;
  registrations: RegistrationTable;
  account_matches: AccountMatchTable;
  conflict_cases: ConflictCaseTable;
  expiry_decisions: ExpiryDecisionTable;
  partner_notices: PartnerNoticeTable;
}

// ---- channel: partners and conflict detection (0011) ----------------------------------------------------
export interface ConflictScanStateTable {
  id: Generated<boolean>;
  scanned_through: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_run_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_opened: Generated<number>;
}
export interface Database {
  conflict_scan_state: ConflictScanStateTable;
}

// ---- imports (0007) ------------------------------------------------------------------------------------
export type ImportRecordType = 'accounts' | 'leads' | 'opportunities';
export type ImportStatus = 'uploading' | 'queued' | 'validating' | 'importing' | 'done' | 'rejected' | 'failed';
export interface ImportJobTable {
  id: Generated<string>;
  record_type: ImportRecordType;
  status: ImportStatus;
  mode: 'all_or_nothing' | 'valid_rows';
  dry_run: boolean;
  preset: string | null;
  mapping: ColumnType<Record<string, string>, string, string>;
  file_name: string;
  source: 'upload' | 'file';
  file_path: string | null;
  file_bytes: ColumnType<string, number | string | undefined, number | string>;
  file_sha256: string | null;
  bytes_done: ColumnType<string, number | string | undefined, number | string>;
  lines_total: number | null;
  lines_validated: Generated<number>;
  checkpoint_line: Generated<number>;
  imported: Generated<number>;
  skipped: Generated<number>;
  error_count: Generated<number>;
  warning_count: Generated<number>;
  failure: string | null;
  lease_until: NullableTimestamp;
  created_by: string | null;
  created_by_label: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
}
export interface ImportFileChunkTable {
  job_id: string;
  seq: number;
  data: Buffer;
}
export interface ImportIssueTable {
  job_id: string;
  line: number;
  severity: 'error' | 'warning';
  field: string;
  message: string;
  raw: string | null;
}
export interface ImportRecordKeyTable {
  record_type: ImportRecordType;
  source: string;
  external_id: string;
  record_id: string;
  job_id: string;
  line: number;
}
export interface Database {
  import_jobs: ImportJobTable;
  import_file_chunks: ImportFileChunkTable;
  import_issues: ImportIssueTable;
  import_record_keys: ImportRecordKeyTable;
}
