import { Alert, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Switch, Table, Text, Textarea, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDate, formatDateTime } from '../../lib/format';
import { ifMatch } from '../routing/shared';
import { DueBadge, label, money, type RegistrationDetail, StatusBadge } from './shared';

const STATUSES = ['submitted', 'under_review', 'returned', 'approved', 'rejected', 'expired', 'won', 'lost', 'withdrawn'];

/** The channel managers' registrations queue: filters, SLA due time and breach badge, flags. */
export function RegistrationsPage() {
  const [status, setStatus] = useState<string | null>('under_review');
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const [flagged, setFlagged] = useState(false);
  const [expiring, setExpiring] = useState(false);
  const partners = useQuery({
    queryKey: ['partners'],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { limit: 200 } } })),
  });
  const list = useQuery({
    queryKey: ['registrations', status, partnerId, flagged, expiring],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/registrations', {
          params: {
            query: {
              limit: 100,
              ...(status && { status }),
              ...(partnerId && { partnerId }),
              ...(flagged && { flagged: 'true' as const }),
              ...(expiring && { expiringWithinDays: 14 }),
            },
          },
        }),
      ),
  });
  return (
    <Stack>
      <Title order={2}>Deal registrations</Title>
      <Group>
        <Select
          data-testid="registrations-status-filter"
          placeholder="Any status"
          clearable
          data={STATUSES.map((s) => ({ value: s, label: label(s) }))}
          value={status}
          onChange={setStatus}
        />
        <Select
          data-testid="registrations-partner-filter"
          placeholder="All partners"
          clearable
          data={(partners.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={partnerId}
          onChange={setPartnerId}
        />
        <Switch
          label="Flagged only"
          checked={flagged}
          onChange={(e) => setFlagged(e.currentTarget.checked)}
          data-testid="registrations-flagged-filter"
        />
        <Switch label="Expiring within 14 days" checked={expiring} onChange={(e) => setExpiring(e.currentTarget.checked)} />
      </Group>
      {list.error && <ErrorAlert error={list.error} />}
      <Card withBorder padding={0}>
        <Table striped highlightOnHover data-testid="registrations-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Partner</Table.Th>
              <Table.Th>Product line</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Flags</Table.Th>
              <Table.Th>Review SLA</Table.Th>
              <Table.Th>Expires</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data?.items ?? []).map((r) => (
              <Table.Tr key={r.id} data-testid="registration-row">
                <Table.Td>
                  <Link to="/channel/registrations/$id" params={{ id: r.id }}>
                    {r.customerName}
                  </Link>
                </Table.Td>
                <Table.Td>{r.partnerName}</Table.Td>
                <Table.Td>{r.productLine}</Table.Td>
                <Table.Td ta="right">{money(r.amountMinor, r.currency)}</Table.Td>
                <Table.Td>
                  <StatusBadge status={r.status} />
                </Table.Td>
                <Table.Td>
                  {r.flags.map((f) => (
                    <Badge key={f.code} color="red" variant="outline" mr={4}>
                      {f.code}
                    </Badge>
                  ))}
                </Table.Td>
                <Table.Td>{['submitted', 'under_review'].includes(r.status) ? <DueBadge dueAt={r.dueAt} /> : '—'}</Table.Td>
                <Table.Td>{r.expiresAt ? formatDate(r.expiresAt) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {list.data && list.data.items.length === 0 && (
          <Text c="dimmed" p="md">
            No registrations match.
          </Text>
        )}
      </Card>
    </Stack>
  );
}

const DECISION_CODES = [
  { value: 'not_available', label: 'Not available (any conflict)' },
  { value: 'incomplete', label: 'Incomplete information' },
  { value: 'not_qualified', label: 'Does not meet the programme criteria' },
];

/** One registration: details, flags, match, duplicates side by side, timeline, and the decision panel. */
export function RegistrationDetailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const detail = useQuery({
    queryKey: ['registration', id],
    queryFn: () => unwrap(api.GET('/api/v1/registrations/{id}', { params: { path: { id } } })),
  });
  if (detail.error) return <ErrorAlert error={detail.error} />;
  if (!detail.data) return <Text>Loading…</Text>;
  const r = detail.data;
  return (
    <Stack data-testid="registration-detail">
      <Group justify="space-between">
        <Title order={2}>
          {r.customerName} · {r.productLine}
        </Title>
        <Group>
          <StatusBadge status={r.status} />
          {['submitted', 'under_review'].includes(r.status) && <DueBadge dueAt={r.dueAt} />}
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={4} mb="xs">
            This registration
          </Title>
          <Facts
            rows={[
              ['Partner', r.partnerName],
              ['Reference', r.reference ?? '—'],
              ['Customer', `${r.customerName}${r.customerDomain ? ` (${r.customerDomain})` : ''}`],
              ['Location', [r.customerCountry, r.customerRegion, r.customerPostalCode].filter(Boolean).join(' · ') || '—'],
              ['Amount', money(r.amountMinor, r.currency)],
              ['Expected close', r.expectedCloseDate],
              ['Submitted', formatDateTime(r.createdAt)],
              ['Expires', r.expiresAt ? formatDateTime(r.expiresAt) : '—'],
              ['Decision', r.decisionCode ? `${label(r.decisionCode)} — partner sees “${r.decisionReason ?? ''}”` : '—'],
              ['Info requested', r.infoRequest ?? '—'],
              ['Internal notes', r.internalNotes ?? '—'],
            ]}
          />
          {r.description && (
            <Text size="sm" mt="xs">
              {r.description}
            </Text>
          )}
        </Card>
        <Card withBorder data-testid="match-evidence">
          <Title order={4} mb="xs">
            Account match
          </Title>
          {r.match ? (
            <Facts
              rows={[
                ['Method', r.match.method],
                ['Score', r.match.score.toFixed(2)],
                ['Account', r.account ? `${r.account.name}${r.account.domain ? ` (${r.account.domain})` : ''}` : '—'],
                ['New account created', r.match.createdAccount ? 'yes' : 'no'],
                ['Needs review', r.account?.needsReview ? 'yes (near match)' : 'no'],
                ['Direct only', r.account?.directOnly ? 'yes' : 'no'],
              ]}
            />
          ) : (
            <Text c="dimmed">Not matched yet.</Text>
          )}
          {r.account && (
            <Link to="/channel/accounts/$accountId" params={{ accountId: r.account.id }}>
              Account channel view
            </Link>
          )}
          {r.nearMatches.map((n) => (
            <Alert key={n.account.id} color="yellow" mt="xs" title={`Near match: ${n.account.name}`}>
              {n.account.domain ?? ''} {n.account.country ?? ''} — {n.registrations.length} registration(s) there
            </Alert>
          ))}
        </Card>
      </SimpleGrid>
      <Card withBorder data-testid="registration-flags">
        <Title order={4} mb="xs">
          Flags
        </Title>
        {r.flags.length === 0 ? (
          <Text c="dimmed">No conflict flags.</Text>
        ) : (
          r.flags.map((f) => (
            <Group key={f.code} gap="xs">
              <Badge color="red">{f.code}</Badge>
              <Text size="sm">{f.detail}</Text>
            </Group>
          ))
        )}
        {r.conflictCases.map((c) => (
          <Text size="sm" key={c.id}>
            Conflict case {label(c.kind)} — {c.status}, due {formatDateTime(c.dueAt)}
          </Text>
        ))}
      </Card>
      <Card withBorder data-testid="registration-duplicates">
        <Title order={4} mb="xs">
          Other registrations on the same account and product line
        </Title>
        {r.duplicates.length === 0 ? (
          <Text c="dimmed">None.</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, md: 1 + Math.min(r.duplicates.length, 2) }}>
            <DupCard
              title="This one"
              partner={r.partnerName}
              status={r.status}
              amount={money(r.amountMinor, r.currency)}
              created={r.createdAt}
            />
            {r.duplicates.map((d) => (
              <DupCard
                key={d.id}
                id={d.id}
                title={d.customerName}
                partner={d.partnerName}
                status={d.status}
                amount={money(d.amountMinor)}
                created={d.createdAt}
              />
            ))}
          </SimpleGrid>
        )}
      </Card>
      <DecisionPanel registration={r} />
      <Card withBorder>
        <Title order={4} mb="xs">
          Timeline
        </Title>
        <Table>
          <Table.Tbody>
            {r.timeline.map((t, i) => (
              <Table.Tr key={i}>
                <Table.Td>{formatDateTime(t.at)}</Table.Td>
                <Table.Td>{t.event}</Table.Td>
                <Table.Td>{t.actorLabel ?? '—'}</Table.Td>
                <Table.Td>{t.detail ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

function DupCard(p: { id?: string; title: string; partner: string; status: string; amount: string; created: string }) {
  return (
    <Card withBorder bg="gray.0" data-testid="duplicate-card">
      <Text fw={600}>
        {p.id ? (
          <Link to="/channel/registrations/$id" params={{ id: p.id }}>
            {p.title}
          </Link>
        ) : (
          p.title
        )}
      </Text>
      <Text size="sm">{p.partner}</Text>
      <StatusBadge status={p.status} />
      <Text size="sm">{p.amount}</Text>
      <Text size="xs" c="dimmed">
        submitted {formatDateTime(p.created)}
      </Text>
    </Card>
  );
}

export function Facts({ rows }: { rows: Array<[string, string]> }) {
  return (
    <Table withRowBorders={false} verticalSpacing={2}>
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Td c="dimmed" w={160}>
              {k}
            </Table.Td>
            <Table.Td>{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function DecisionPanel({ registration: r }: { registration: RegistrationDetail }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [infoRequest, setInfoRequest] = useState('');
  const path = { params: { path: { id: r.id }, header: ifMatch(r.version) } };
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: ['registration', r.id] });
    void queryClient.invalidateQueries({ queryKey: ['registrations'] });
  };
  const approve = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/registrations/{id}/approve', {
          ...path,
          body: { ...(override && { overrideFlags: true }), ...(reason && { reason }) },
        }),
      ),
    onSuccess: done,
  });
  const reject = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/registrations/{id}/reject', {
          ...path,
          body: { decisionCode: (code ?? '') as 'not_available', internalNote: note },
        }),
      ),
    onSuccess: done,
  });
  const ret = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/registrations/{id}/return', { ...path, body: { infoRequest } })),
    onSuccess: done,
  });
  const close = useMutation({
    mutationFn: (outcome: 'won' | 'lost') => unwrap(api.POST('/api/v1/registrations/{id}/close', { ...path, body: { outcome } })),
    onSuccess: done,
  });
  const error = approve.error ?? reject.error ?? ret.error ?? close.error;
  if (r.status === 'approved')
    return (
      <Card withBorder>
        <Title order={4} mb="xs">
          Close
        </Title>
        {error && <ErrorAlert error={error} title="Not closed" />}
        <Group>
          <Button color="teal" onClick={() => close.mutate('won')} loading={close.isPending}>
            Won
          </Button>
          <Button color="gray" onClick={() => close.mutate('lost')} loading={close.isPending}>
            Lost
          </Button>
        </Group>
      </Card>
    );
  if (!['submitted', 'under_review'].includes(r.status)) return null;
  return (
    <Card withBorder data-testid="decision-panel">
      <Title order={4} mb="xs">
        Decide
      </Title>
      {error && <ErrorAlert error={error} title="Not saved" />}
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Stack gap="xs">
          <Text fw={600}>Approve</Text>
          {r.flags.length > 0 && (
            <Switch
              label="Override the flags"
              checked={override}
              onChange={(e) => setOverride(e.currentTarget.checked)}
              data-testid="approve-override"
            />
          )}
          <Textarea label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="approve-reason" />
          <Button color="green" onClick={() => approve.mutate()} loading={approve.isPending} data-testid="approve">
            Approve
          </Button>
        </Stack>
        <Stack gap="xs">
          <Text fw={600}>Reject</Text>
          <Select label="Decision code" data={DECISION_CODES} value={code} onChange={setCode} data-testid="reject-code" />
          <Textarea label="Internal note" value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="reject-note" />
          <Button color="red" onClick={() => reject.mutate()} loading={reject.isPending} data-testid="reject">
            Reject
          </Button>
        </Stack>
        <Stack gap="xs">
          <Text fw={600}>Return for information</Text>
          <Textarea
            label="What the partner must add"
            value={infoRequest}
            onChange={(e) => setInfoRequest(e.currentTarget.value)}
            data-testid="return-info"
          />
          <Button color="yellow" onClick={() => ret.mutate()} loading={ret.isPending} data-testid="return">
            Return
          </Button>
        </Stack>
      </SimpleGrid>
    </Card>
  );
}
