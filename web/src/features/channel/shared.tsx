import { Badge } from '@mantine/core';
import type { paths } from '../../lib/api-types';

type Get<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer R } } } } }
  ? R
  : never;
export type RegistrationRow = Get<'/api/v1/registrations'>['items'][number];
export type RegistrationDetail = Get<'/api/v1/registrations/{id}'>;
export type ConflictRow = Get<'/api/v1/conflicts'>['items'][number];
export type ExpiryRow = Get<'/api/v1/expiry-decisions'>['items'][number];
export type PartnerRow = Get<'/api/v1/partners'>['items'][number];
export type ScorecardRow = Get<'/api/v1/scorecards'>['items'][number];
export type AccountChannel = Get<'/api/v1/accounts/{id}/channel'>;
export type PortalRegistration = Get<'/api/partner/v1/registrations/{id}'>;

export const money = (minor: number, currency = 'USD') =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
export const pct = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(0)}%`);
export const label = (code: string) => code.replace(/_/g, ' ');

const STATUS_COLORS: Record<string, string> = {
  submitted: 'blue',
  under_review: 'blue',
  approved: 'green',
  returned: 'yellow',
  rejected: 'red',
  expired: 'orange',
  won: 'teal',
  lost: 'gray',
  withdrawn: 'gray',
  open: 'orange',
  resolved: 'green',
  decided: 'green',
};
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light" data-testid="status-badge">
      {label(status)}
    </Badge>
  );
}

/** Days left until an ISO time, negative when past. */
export const daysUntil = (iso: string, now = Date.now()) => Math.ceil((Date.parse(iso) - now) / 86_400_000);

/** SLA due: a badge that turns red once breached. */
export function DueBadge({ dueAt }: { dueAt: string | null }) {
  if (!dueAt) return <>—</>;
  const ms = Date.parse(dueAt) - Date.now();
  if (ms < 0)
    return (
      <Badge color="red" data-testid="sla-breached">
        breached {Math.ceil(-ms / 3_600_000)}h ago
      </Badge>
    );
  const hours = Math.floor(ms / 3_600_000);
  return (
    <Badge color={hours < 8 ? 'yellow' : 'gray'} variant="light" data-testid="sla-due">
      due in {hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`}
    </Badge>
  );
}
