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
  seq: ColumnType<string, number | bigint | string, never>;
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
  prev_hash: string;
  hash: string;
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

export interface Database {
  audit_events: AuditEventTable;
  outbox_events: OutboxEventTable;
  idempotency_keys: IdempotencyKeyTable;
  partners: PartnerTable;
  calendars: CalendarTable;
  teams: TeamTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
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
