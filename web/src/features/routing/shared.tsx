import { Alert, Badge, Card, Container, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../lib/api-client';
import type { paths } from '../../lib/api-types';
import { type Me, useMe } from '../../lib/session';

type Get<P extends keyof paths> = paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer R } } } } }
  ? R
  : never;
export type RulesetView = Get<'/api/v1/rulesets/{id}'>;
export type PoolDetail = Get<'/api/v1/pools/{id}'>;
export type Timeline = Get<'/api/v1/records/{type}/{id}/ownership'>;
export type RiskQueue = Get<'/api/v1/queues/risk'>;
export type TestResult = paths['/api/v1/rulesets/test']['post']['responses'][200]['content']['application/json'];
export type Simulation = paths['/api/v1/routing/simulate']['post']['responses'][200]['content']['application/json'];
export type Candidate = TestResult['rules'][number] extends never ? never : NonNullable<TestResult['placement']>['candidates'][number];
export type RuleVerdict = TestResult['rules'][number];

/** Routing permissions are newer than the web app's Permission union; the server's list is the authority anyway. */
export const hasPermission = (me: Me, permission: string) => (me.permissions as readonly string[]).includes(permission);

/** The ETag the server sends for a version (src/platform/http/etag.ts), echoed as If-Match. */
export const ifMatch = (version: number) => ({ 'if-match': `"v${version}"` });

export function RequireRouting({ permission, children }: { permission: string; children: ReactNode }) {
  const me = useMe();
  if (hasPermission(me, permission)) return <>{children}</>;
  return (
    <Container size="sm" py="xl">
      <Alert color="yellow" title="Not available" data-testid="forbidden">
        Your role does not include access to this page.
      </Alert>
    </Container>
  );
}

/** Every internal user's name by id, for ids the routing API returns bare. */
export function useUserNames() {
  const me = useMe();
  const users = useQuery({
    queryKey: ['users', 'names'],
    queryFn: async () => {
      const all: Array<{ id: string; name: string; role: string; active: boolean }> = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200, ...(cursor && { cursor }) } } }));
        all.push(...page.items.map((u) => ({ id: u.id, name: u.name, role: u.role, active: u.status === 'active' })));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    enabled: hasPermission(me, 'user.read'),
    staleTime: 5 * 60_000,
  });
  const byId = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const nameOf = (id: string | null | undefined) => (id ? (byId.get(id) ?? `${id.slice(0, 8)}…`) : '—');
  return { users: users.data ?? [], nameOf };
}

export function useRoutingTargets() {
  const pools = useQuery({ queryKey: ['pools'], queryFn: () => unwrap(api.GET('/api/v1/pools')), staleTime: 60_000 });
  const queues = useQuery({ queryKey: ['queues'], queryFn: () => unwrap(api.GET('/api/v1/queues')), staleTime: 60_000 });
  const policies = useQuery({
    queryKey: ['escalation-policies'],
    queryFn: () => unwrap(api.GET('/api/v1/escalation-policies')),
    staleTime: 60_000,
  });
  return { pools: pools.data?.items ?? [], queues: queues.data?.items ?? [], policies: policies.data?.items ?? [] };
}

export const STATE_COLORS: Record<string, string> = {
  breached: 'red',
  due_soon: 'orange',
  on_track: 'green',
  acknowledged: 'gray',
  draft: 'gray',
  pending_approval: 'yellow',
  published: 'green',
  retired: 'dark',
  pending: 'yellow',
  approved: 'green',
  rejected: 'red',
};
export const StateBadge = ({ state, testId }: { state: string; testId?: string }) => (
  <Badge color={STATE_COLORS[state] ?? 'gray'} variant="light" data-testid={testId} data-state={state}>
    {state.replace(/_/g, ' ')}
  </Badge>
);

export const RecordLink = ({ type, id, children }: { type: string; id: string; children: ReactNode }) => (
  <Link to="/routing/records/$type/$id" params={{ type, id }} data-testid="record-link">
    {children}
  </Link>
);

export function StatCard({ label, value, color, testId }: { label: string; value: ReactNode; color?: string; testId?: string }) {
  return (
    <Card withBorder radius="md" p="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Group gap={4}>
        <Text fw={700} size="xl" c={color}>
          {value}
        </Text>
      </Group>
    </Card>
  );
}

export function formatMinutes(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const m = Math.abs(Math.round(minutes));
  if (m < 60) return `${sign}${m}m`;
  if (m < 48 * 60) return `${sign}${Math.floor(m / 60)}h ${m % 60}m`;
  return `${sign}${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}
