import { Badge, Card, Group, Select, Stack, Switch, Table, Tabs, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { ExceptionsTab } from './ExceptionsTab';
import { money, statusColor } from './money';
import { StockTab } from './StockTab';

type Lifecycle = 'submitted' | 'released' | 'closed' | 'cancelled';

/** The order desk: every channel's orders with their derived status, filterable by channel, lifecycle and hold. */
export function OrdersPage() {
  const [channelId, setChannelId] = useState<string | null>(null);
  const [lifecycle, setLifecycle] = useState<Lifecycle | null>(null);
  const [onHold, setOnHold] = useState(false);
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/v1/channels')) });
  const orders = useQuery({
    queryKey: ['orders', channelId, lifecycle, onHold],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orders', {
          params: {
            query: {
              limit: 100,
              ...(channelId && { channelId }),
              ...(lifecycle && { lifecycle }),
              ...(onHold && { onHold: 'true' as const }),
            },
          },
        }),
      ),
  });
  const channelName = new Map((channels.data?.items ?? []).map((c) => [c.id, c.name]));
  return (
    <Stack>
      <Title order={2}>Orders</Title>
      <Tabs defaultValue="orders" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="orders">Order desk</Tabs.Tab>
          <Tabs.Tab value="exceptions" data-testid="tab-exceptions">
            Exceptions
          </Tabs.Tab>
          <Tabs.Tab value="stock" data-testid="tab-stock">
            Stock
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="exceptions" pt="md">
          <ExceptionsTab />
        </Tabs.Panel>
        <Tabs.Panel value="stock" pt="md">
          <StockTab />
        </Tabs.Panel>
        <Tabs.Panel value="orders" pt="md">
          <Stack>
            <Group>
              <Select
                data-testid="orders-channel-filter"
                placeholder="All channels"
                clearable
                data={(channels.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))}
                value={channelId}
                onChange={setChannelId}
              />
              <Select
                placeholder="Any lifecycle"
                clearable
                data={['submitted', 'released', 'closed', 'cancelled']}
                value={lifecycle}
                onChange={(v) => setLifecycle(v as Lifecycle | null)}
              />
              <Switch
                label="On hold only"
                checked={onHold}
                onChange={(e) => setOnHold(e.currentTarget.checked)}
                data-testid="orders-hold-filter"
              />
            </Group>
            {orders.error && <ErrorAlert error={orders.error} />}
            <Card withBorder padding={0}>
              <Table striped highlightOnHover data-testid="orders-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>#</Table.Th>
                    <Table.Th>Channel</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Fulfilment</Table.Th>
                    <Table.Th>Billing</Table.Th>
                    <Table.Th>Holds</Table.Th>
                    <Table.Th ta="right">Net</Table.Th>
                    <Table.Th>Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(orders.data?.items ?? []).map((o) => (
                    <Table.Tr key={o.id} data-testid="order-row">
                      <Table.Td>
                        <Link to="/orders/$orderId" params={{ orderId: o.id }}>
                          {o.number}
                        </Link>
                      </Table.Td>
                      <Table.Td>{channelName.get(o.channelId) ?? '—'}</Table.Td>
                      <Table.Td>
                        <Badge color={statusColor(o.status)} variant="light">
                          {o.status.replace(/_/g, ' ')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{o.fulfilmentStatus.replace(/_/g, ' ')}</Table.Td>
                      <Table.Td>{o.billingStatus.replace(/_/g, ' ')}</Table.Td>
                      <Table.Td>{o.openHolds > 0 ? <Badge color="red">{o.openHolds}</Badge> : '—'}</Table.Td>
                      <Table.Td ta="right">{money(o.totalNetMinor)}</Table.Td>
                      <Table.Td>{formatDateTime(o.createdAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {orders.data && orders.data.items.length === 0 && (
                <Text c="dimmed" p="md">
                  No orders match.
                </Text>
              )}
            </Card>
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
