import { Badge, Button, Card, Code, Group, SimpleGrid, Stack, Table, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { money, statusColor } from './money';
import { OrderActions } from './OrderActions';

const BUCKETS = ['ordered', 'cancelled', 'allocated', 'shipped', 'invoiced', 'returnAuthorized', 'returnReceived', 'credited'] as const;

/** One order: lines with their quantity buckets, holds (released one by one), control decisions, exceptions, timeline. */
export function OrderDetailPage() {
  const { orderId } = useParams({ from: '/authenticated/orders/$orderId' });
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const order = useQuery({
    queryKey: ['order', orderId],
    queryFn: () => unwrap(api.GET('/api/v1/orders/{id}', { params: { path: { id: orderId } } })),
  });
  const release = useMutation({
    mutationFn: (holdId: string) => unwrap(api.POST('/api/v1/holds/{id}/release', { params: { path: { id: holdId } }, body: { reason } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['order', orderId] }),
  });
  if (order.error) return <ErrorAlert error={order.error} />;
  const o = order.data;
  if (!o) return <Text>Loading…</Text>;
  return (
    <Stack data-testid="order-detail">
      <Group justify="space-between">
        <Title order={2}>Order {o.number}</Title>
        <Badge size="lg" color={statusColor(o.status)} data-testid="order-status">
          {o.status.replace(/_/g, ' ')}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Fulfilment
          </Text>
          <Text fw={600}>{o.fulfilmentStatus}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Billing
          </Text>
          <Text fw={600}>{o.billingStatus}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Returns
          </Text>
          <Text fw={600}>{o.returnStatus}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Workflow
          </Text>
          <Text fw={600}>
            v{o.workflowVersion}
            {o.variantId ? ' + variant' : ' standard'}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Net
          </Text>
          <Text fw={600}>{money(o.totalNetMinor)}</Text>
        </Card>
      </SimpleGrid>
      <Card withBorder padding={0}>
        <Table data-testid="order-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Line</Table.Th>
              <Table.Th>Unit price</Table.Th>
              {BUCKETS.map((b) => (
                <Table.Th key={b}>{b}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {o.lines.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td>{l.lineNo}</Table.Td>
                <Table.Td>{money(l.unitPriceMinor)}</Table.Td>
                {BUCKETS.map((b) => (
                  <Table.Td key={b}>{l.qty[b]}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <OrderActions order={o} />
      <Title order={4}>Holds</Title>
      {release.error && <ErrorAlert error={release.error} />}
      <Group>
        <TextInput
          placeholder="Reason for releasing"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          data-testid="hold-reason"
        />
      </Group>
      <Stack gap="xs" data-testid="order-holds">
        {o.holds.length === 0 && <Text c="dimmed">No holds.</Text>}
        {o.holds.map((h) => (
          <Group key={h.id}>
            <Badge color={h.releasedAt ? 'gray' : 'red'}>{h.type}</Badge>
            <Text size="sm">{h.reason}</Text>
            {h.releasedAt ? (
              <Text size="sm" c="dimmed">
                released {formatDateTime(h.releasedAt)}
              </Text>
            ) : (
              <Button
                size="xs"
                disabled={!reason.trim()}
                loading={release.isPending}
                onClick={() => release.mutate(h.id)}
                data-testid="release-hold"
              >
                Release
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      <Title order={4}>Control decisions</Title>
      <Card withBorder padding={0}>
        <Table data-testid="order-decisions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Control point</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Rules</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {o.decisions.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{formatDateTime(d.at)}</Table.Td>
                <Table.Td>{d.controlPoint}</Table.Td>
                <Table.Td>
                  <Badge color={statusColor(d.outcome)}>{d.outcome}</Badge>
                </Table.Td>
                <Table.Td>{d.actor}</Table.Td>
                <Table.Td>
                  <Code block style={{ maxWidth: 480, whiteSpace: 'pre-wrap' }}>
                    {JSON.stringify(d.rules)}
                  </Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack>
          <Title order={4}>Exceptions</Title>
          {o.exceptions.length === 0 && <Text c="dimmed">None.</Text>}
          {o.exceptions.map((e) => (
            <Card withBorder key={e.id}>
              <Group>
                <Badge color={e.status === 'open' ? 'red' : 'green'}>{e.status}</Badge>
                <Text fw={600}>{e.controlPoint}</Text>
                <Text size="sm">{e.category}</Text>
              </Group>
              <Text size="sm">{e.detail}</Text>
              <Text size="xs" c="dimmed">
                due {formatDateTime(e.dueAt)}
              </Text>
            </Card>
          ))}
        </Stack>
        <Stack>
          <Title order={4}>Timeline</Title>
          <Timeline bulletSize={14} lineWidth={2} data-testid="order-timeline">
            {o.timeline.map((t, i) => (
              <Timeline.Item key={i} title={t.type.replace(/_/g, ' ')}>
                <Text size="xs" c="dimmed">
                  {formatDateTime(t.at)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
