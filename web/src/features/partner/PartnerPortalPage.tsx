import { Anchor, AppShell, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { AppHeader } from '../../app/AppLayout';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDate, formatDateTime } from '../../lib/format';
import type { Me } from '../../lib/session';
import { daysUntil, label, money, StatusBadge } from '../channel/shared';
import { PortalUsers, RegisterDealForm, RegistrationActions } from './PortalWrites';

/** The partner portal: only the partner's own data, exactly as the /api/partner/v1 allow-list returns it. */
export function PartnerPortalPage({ me }: { me: Me }) {
  const [tab, setTab] = useState<string | null>('registrations');
  const [openId, setOpenId] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);
  const partner = useQuery({ queryKey: ['portal', 'partner'], queryFn: () => unwrap(api.GET('/api/partner/v1/partner')) });
  return (
    <AppShell header={{ height: 60 }} padding="lg">
      <AppShell.Header>
        <AppHeader me={me} />
      </AppShell.Header>
      <AppShell.Main bg="gray.0">
        <Stack data-testid="partner-portal">
          <Group justify="space-between">
            <Title order={2}>{partner.data?.name ?? 'Partner portal'}</Title>
            {partner.data && (
              <Group>
                <Badge variant="light">{partner.data.tierName}</Badge>
                <Text size="sm" data-testid="portal-cap">
                  {partner.data.activeRegistrations} of {partner.data.registrationCap} active registrations
                </Text>
              </Group>
            )}
          </Group>
          {partner.error && <ErrorAlert error={partner.error} />}
          <Tabs
            value={tab}
            onChange={(v) => {
              setTab(v);
              setOpenId(null);
              setRegistering(false);
            }}
            keepMounted={false}
          >
            <Tabs.List>
              <Tabs.Tab value="registrations" data-testid="portal-tab-registrations">
                My registrations
              </Tabs.Tab>
              <Tabs.Tab value="accounts" data-testid="portal-tab-accounts">
                My accounts
              </Tabs.Tab>
              <Tabs.Tab value="products" data-testid="portal-tab-products">
                Products
              </Tabs.Tab>
              <Tabs.Tab value="notices" data-testid="portal-tab-notices">
                Notices
              </Tabs.Tab>
              {me.user.role === 'partner_admin' && (
                <Tabs.Tab value="users" data-testid="portal-tab-users">
                  Users
                </Tabs.Tab>
              )}
            </Tabs.List>
            <Tabs.Panel value="registrations" pt="md">
              {openId ? (
                <PortalRegistrationView id={openId} onBack={() => setOpenId(null)} />
              ) : registering ? (
                <RegisterDealForm
                  onCancel={() => setRegistering(false)}
                  onCreated={(id) => {
                    setRegistering(false);
                    setOpenId(id);
                  }}
                />
              ) : (
                <Stack>
                  <Group justify="flex-end">
                    <Button onClick={() => setRegistering(true)} data-testid="register-deal">
                      Register a deal
                    </Button>
                  </Group>
                  <MyRegistrations onOpen={setOpenId} />
                </Stack>
              )}
            </Tabs.Panel>
            <Tabs.Panel value="accounts" pt="md">
              <MyAccounts />
            </Tabs.Panel>
            <Tabs.Panel value="products" pt="md">
              <Products />
            </Tabs.Panel>
            <Tabs.Panel value="notices" pt="md">
              <Notices />
            </Tabs.Panel>
            {me.user.role === 'partner_admin' && (
              <Tabs.Panel value="users" pt="md">
                <PortalUsers />
              </Tabs.Panel>
            )}
          </Tabs>
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}

export function ExpiryCountdown({ expiresAt }: { expiresAt: string | null }) {
  if (!expiresAt) return <>—</>;
  const days = daysUntil(expiresAt);
  return (
    <Badge color={days <= 14 ? 'orange' : 'green'} variant="light" data-testid="expiry-countdown">
      {days > 0 ? `${days} days left` : 'expires today'} ({formatDate(expiresAt)})
    </Badge>
  );
}

function MyRegistrations({ onOpen }: { onOpen: (id: string) => void }) {
  const list = useQuery({
    queryKey: ['portal', 'registrations'],
    queryFn: () => unwrap(api.GET('/api/partner/v1/registrations', { params: { query: { limit: 100 } } })),
  });
  if (list.error) return <ErrorAlert error={list.error} />;
  return (
    <Card withBorder padding={0}>
      <Table data-testid="portal-registrations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Customer</Table.Th>
            <Table.Th>Product line</Table.Th>
            <Table.Th ta="right">Amount</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Exclusivity</Table.Th>
            <Table.Th>Decision</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.items ?? []).map((r) => (
            <Table.Tr key={r.id} data-testid="portal-registration-row">
              <Table.Td>
                <Anchor onClick={() => onOpen(r.id)}>{r.customerName}</Anchor>
              </Table.Td>
              <Table.Td>{r.productLine}</Table.Td>
              <Table.Td ta="right">{money(r.amountMinor, r.currency)}</Table.Td>
              <Table.Td>
                <StatusBadge status={r.status} />
              </Table.Td>
              <Table.Td>{r.status === 'approved' ? <ExpiryCountdown expiresAt={r.expiresAt} /> : '—'}</Table.Td>
              <Table.Td>{r.decisionReason ?? (r.status === 'returned' ? r.infoRequest : '') ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.items.length === 0 && (
        <Text c="dimmed" p="md">
          No registrations yet.
        </Text>
      )}
    </Card>
  );
}

function PortalRegistrationView({ id, onBack }: { id: string; onBack: () => void }) {
  const r = useQuery({
    queryKey: ['portal', 'registration', id],
    queryFn: () => unwrap(api.GET('/api/partner/v1/registrations/{id}', { params: { path: { id } } })),
  });
  if (r.error) return <ErrorAlert error={r.error} />;
  if (!r.data) return <Text>Loading…</Text>;
  const reg = r.data;
  return (
    <Stack data-testid="portal-registration">
      <Anchor onClick={onBack}>← My registrations</Anchor>
      <Group justify="space-between">
        <Title order={3}>
          {reg.customerName} · {reg.productLine}
        </Title>
        <StatusBadge status={reg.status} />
      </Group>
      {reg.status === 'returned' && reg.infoRequest && (
        <Card withBorder bg="yellow.0" data-testid="portal-info-request">
          <Text fw={600}>Information requested</Text>
          <Text>{reg.infoRequest}</Text>
        </Card>
      )}
      {reg.decisionReason && <Text data-testid="portal-decision-reason">Decision: {reg.decisionReason}</Text>}
      <Card withBorder>
        <SimpleGrid cols={2}>
          <Text size="sm">
            Customer:{' '}
            {[reg.customerDomain, reg.customerRegion, reg.customerCountry, reg.customerPostalCode, reg.customerPhone]
              .filter(Boolean)
              .join(' · ') || '—'}
          </Text>
          <Text size="sm">Your reference: {reg.reference ?? '—'}</Text>
          <Text size="sm">Amount: {money(reg.amountMinor, reg.currency)}</Text>
          <Text size="sm">Expected close: {reg.expectedCloseDate}</Text>
          <Text size="sm">Submitted: {formatDateTime(reg.createdAt)}</Text>
          <Text size="sm">Approved: {reg.approvedAt ? formatDateTime(reg.approvedAt) : '—'}</Text>
          <Text size="sm" data-testid="portal-expires">
            Expires: {reg.expiresAt ? formatDateTime(reg.expiresAt) : '—'}
          </Text>
          <Text size="sm">Last activity: {reg.lastActivityAt ? formatDateTime(reg.lastActivityAt) : '—'}</Text>
        </SimpleGrid>
        {reg.description && (
          <Text size="sm" mt="xs">
            {reg.description}
          </Text>
        )}
      </Card>
      <RegistrationActions key={reg.version} reg={reg} />
      <Card withBorder>
        <Title order={4} mb="xs">
          Activities
        </Title>
        {reg.activities.map((a) => (
          <Text size="sm" key={a.id}>
            {formatDateTime(a.occurredAt)} · {a.kind} · {a.subject}
          </Text>
        ))}
        {reg.activities.length === 0 && <Text c="dimmed">None logged.</Text>}
      </Card>
    </Stack>
  );
}

function MyAccounts() {
  const list = useQuery({
    queryKey: ['portal', 'accounts'],
    queryFn: () => unwrap(api.GET('/api/partner/v1/accounts', { params: { query: { limit: 100 } } })),
  });
  if (list.error) return <ErrorAlert error={list.error} />;
  return (
    <Card withBorder padding={0}>
      <Table data-testid="portal-accounts">
        <Table.Tbody>
          {(list.data?.items ?? []).map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>{a.name}</Table.Td>
              <Table.Td>{a.domain ?? '—'}</Table.Td>
              <Table.Td>{[a.region, a.country].filter(Boolean).join(' · ')}</Table.Td>
              <Table.Td>{label(a.relation)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.items.length === 0 && (
        <Text c="dimmed" p="md">
          No accounts yet.
        </Text>
      )}
    </Card>
  );
}

const BAND: Record<string, [string, string]> = {
  in_stock: ['green', 'In stock'],
  limited: ['yellow', 'Limited'],
  out: ['red', 'Out of stock'],
};

function Products() {
  const list = useQuery({
    queryKey: ['portal', 'products'],
    queryFn: () => unwrap(api.GET('/api/partner/v1/products', { params: { query: { limit: 100 } } })),
  });
  if (list.error) return <ErrorAlert error={list.error} />;
  return (
    <Card withBorder padding={0}>
      <Table data-testid="portal-products">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>SKU</Table.Th>
            <Table.Th>Product</Table.Th>
            <Table.Th>Line</Table.Th>
            <Table.Th>Specs</Table.Th>
            <Table.Th>Your price</Table.Th>
            <Table.Th>Availability</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.items ?? []).map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.sku}</Table.Td>
              <Table.Td>{p.name}</Table.Td>
              <Table.Td>{p.productLine ?? '—'}</Table.Td>
              <Table.Td>
                <Text size="xs">
                  {Object.entries(p.specs as Record<string, unknown>)
                    .map(([k, v]) => `${k}: ${String(v)}`)
                    .join(' · ')}
                </Text>
              </Table.Td>
              <Table.Td>
                {p.prices.map((pr) => (
                  <Text size="xs" key={pr.minQuantity}>
                    {pr.minQuantity}+ : {money(pr.unitPriceMinor, pr.currency)}
                  </Text>
                ))}
              </Table.Td>
              <Table.Td>
                <Badge color={BAND[p.availability]![0]} variant="light">
                  {BAND[p.availability]![1]}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function Notices() {
  const list = useQuery({
    queryKey: ['portal', 'notices'],
    queryFn: () => unwrap(api.GET('/api/partner/v1/notices', { params: { query: { limit: 100 } } })),
  });
  if (list.error) return <ErrorAlert error={list.error} />;
  return (
    <Stack data-testid="portal-notices">
      {(list.data?.items ?? []).map((n) => (
        <Card withBorder key={n.id}>
          <Group justify="space-between">
            <Text fw={600}>{n.title}</Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(n.createdAt)} {n.readAt ? '' : '· new'}
            </Text>
          </Group>
          <Text size="sm">{n.body}</Text>
        </Card>
      ))}
      {list.data?.items.length === 0 && <Text c="dimmed">No notices.</Text>}
    </Stack>
  );
}
