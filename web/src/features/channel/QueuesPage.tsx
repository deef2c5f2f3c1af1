import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { ifMatch } from '../routing/shared';
import { type ConflictRow, DueBadge, type ExpiryRow, label, StatusBadge } from './shared';

const RESOLUTIONS = ['keep_partner', 'keep_direct', 'co_sell', 'dismissed'] as const;

/** Open conflict cases with their due dates; resolve with a resolution and a reason. */
export function ConflictsPage() {
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const list = useQuery({
    queryKey: ['conflicts', status],
    queryFn: () => unwrap(api.GET('/api/v1/conflicts', { params: { query: { limit: 100, status } } })),
  });
  return (
    <Stack>
      <Title order={2}>Channel conflicts</Title>
      <Select w={200} data={['open', 'resolved']} value={status} onChange={(v) => setStatus((v ?? 'open') as 'open')} />
      {list.error && <ErrorAlert error={list.error} />}
      <Card withBorder padding={0}>
        <Table data-testid="conflicts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Partner</Table.Th>
              <Table.Th>Detail</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Resolution</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data?.items ?? []).map((c) => (
              <ConflictRowView key={c.id} conflict={c} />
            ))}
          </Table.Tbody>
        </Table>
        {list.data?.items.length === 0 && (
          <Text c="dimmed" p="md">
            No {status} conflicts.
          </Text>
        )}
      </Card>
    </Stack>
  );
}

function ConflictRowView({ conflict: c }: { conflict: ConflictRow }) {
  const queryClient = useQueryClient();
  const [resolution, setResolution] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const resolve = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/conflicts/{id}/resolve', {
          params: { path: { id: c.id }, header: ifMatch(c.version) },
          body: { resolution: (resolution ?? '') as 'dismissed', reason },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['conflicts'] }),
  });
  return (
    <Table.Tr data-testid="conflict-row">
      <Table.Td>
        <Link to="/channel/accounts/$accountId" params={{ accountId: c.accountId }}>
          {c.accountName}
        </Link>
      </Table.Td>
      <Table.Td>{label(c.kind)}</Table.Td>
      <Table.Td>{c.partnerName ?? '—'}</Table.Td>
      <Table.Td maw={320}>
        <Text size="sm">{c.detail}</Text>
        {c.registrationId && (
          <Link to="/channel/registrations/$id" params={{ id: c.registrationId }}>
            registration
          </Link>
        )}
      </Table.Td>
      <Table.Td>{c.status === 'open' ? <DueBadge dueAt={c.dueAt} /> : formatDateTime(c.dueAt)}</Table.Td>
      <Table.Td>
        {c.status === 'resolved' ? (
          <Text size="sm">
            {label(c.resolution ?? '')} — {c.resolutionReason} ({c.resolvedBy?.name})
          </Text>
        ) : (
          <Stack gap={4}>
            {resolve.error && <ErrorAlert error={resolve.error} title="Not resolved" />}
            <Group gap={4} wrap="nowrap">
              <Select
                size="xs"
                placeholder="Resolution"
                data={RESOLUTIONS.map((r) => ({ value: r, label: label(r) }))}
                value={resolution}
                onChange={setResolution}
                data-testid="conflict-resolution"
              />
              <TextInput
                size="xs"
                placeholder="Reason"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                data-testid="conflict-reason"
              />
              <Button size="xs" onClick={() => resolve.mutate()} loading={resolve.isPending} data-testid="conflict-resolve">
                Resolve
              </Button>
            </Group>
          </Stack>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Expired registrations awaiting a decision: extend, reassign to another partner, or open to direct. */
export function ExpiryDecisionsPage() {
  const [status, setStatus] = useState<'open' | 'decided'>('open');
  const list = useQuery({
    queryKey: ['expiry-decisions', status],
    queryFn: () => unwrap(api.GET('/api/v1/expiry-decisions', { params: { query: { limit: 100, status } } })),
  });
  const partners = useQuery({
    queryKey: ['partners'],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { limit: 200 } } })),
  });
  return (
    <Stack>
      <Title order={2}>Expiry decisions</Title>
      <Select w={200} data={['open', 'decided']} value={status} onChange={(v) => setStatus((v ?? 'open') as 'open')} />
      {list.error && <ErrorAlert error={list.error} />}
      <Card withBorder padding={0}>
        <Table data-testid="expiry-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Registration</Table.Th>
              <Table.Th>Partner</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Decision</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data?.items ?? []).map((d) => (
              <ExpiryRowView key={d.id} decision={d} partners={(partners.data?.items ?? []).filter((p) => p.id !== d.partnerId)} />
            ))}
          </Table.Tbody>
        </Table>
        {list.data?.items.length === 0 && (
          <Text c="dimmed" p="md">
            Nothing {status}.
          </Text>
        )}
      </Card>
    </Stack>
  );
}

function ExpiryRowView({ decision: d, partners }: { decision: ExpiryRow; partners: Array<{ id: string; name: string }> }) {
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<string | null>(null);
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: () => {
      const body =
        decision === 'reassigned'
          ? { decision: 'reassigned' as const, partnerId: partnerId ?? '', reason }
          : { decision: (decision ?? '') as 'extended', reason };
      return unwrap(api.POST('/api/v1/expiry-decisions/{id}/decide', { params: { path: { id: d.id }, header: ifMatch(d.version) }, body }));
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['expiry-decisions'] }),
  });
  return (
    <Table.Tr data-testid="expiry-row">
      <Table.Td>
        <Link to="/channel/registrations/$id" params={{ id: d.registrationId }}>
          {d.customerName} · {d.productLine}
        </Link>
      </Table.Td>
      <Table.Td>{d.partnerName}</Table.Td>
      <Table.Td>{d.status === 'open' ? <DueBadge dueAt={d.dueAt} /> : formatDateTime(d.dueAt)}</Table.Td>
      <Table.Td>
        {d.status !== 'open' ? (
          <Group gap={4}>
            <StatusBadge status={d.status} />
            <Badge variant="outline">{label(d.decision ?? '')}</Badge>
            <Text size="sm">{d.reason}</Text>
          </Group>
        ) : (
          <Stack gap={4}>
            {decide.error && <ErrorAlert error={decide.error} title="Not decided" />}
            <Group gap={4} wrap="nowrap">
              <Select
                size="xs"
                placeholder="Decision"
                data={[
                  { value: 'extended', label: 'Extend' },
                  { value: 'reassigned', label: 'Reassign to partner' },
                  { value: 'opened_to_direct', label: 'Open to direct' },
                ]}
                value={decision}
                onChange={setDecision}
              />
              {decision === 'reassigned' && (
                <Select
                  size="xs"
                  placeholder="Partner"
                  data={partners.map((p) => ({ value: p.id, label: p.name }))}
                  value={partnerId}
                  onChange={setPartnerId}
                />
              )}
              <TextInput size="xs" placeholder="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
              <Button size="xs" onClick={() => decide.mutate()} loading={decide.isPending}>
                Decide
              </Button>
            </Group>
          </Stack>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
