import { Badge, Button, Card, Group, Select, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { money } from './money';

type ReturnStatus = 'authorized' | 'declined' | 'received' | 'closed';
const RETURN_COLORS: Record<string, string> = { authorized: 'yellow', received: 'blue', declined: 'red', closed: 'gray' };

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Returns and credits: every return with its lines (authorized, received and how, credited), the credit memos, turnaround. */
export function ReturnsPage() {
  const [status, setStatus] = useState<ReturnStatus | null>(null);
  const [uncredited, setUncredited] = useState(false);
  const [returnCursor, setReturnCursor] = useState<string | undefined>(undefined);
  const [memoCursor, setMemoCursor] = useState<string | undefined>(undefined);
  const returns = useQuery({
    queryKey: ['returns', status, uncredited, returnCursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/returns', {
          params: {
            query: {
              limit: 50,
              ...(status && { status }),
              ...(uncredited && { credited: 'false' as const }),
              ...(returnCursor && { cursor: returnCursor }),
            },
          },
        }),
      ),
  });
  const memos = useQuery({
    queryKey: ['credit-memos', memoCursor],
    placeholderData: keepPreviousData,
    queryFn: () => unwrap(api.GET('/api/v1/credit-memos', { params: { query: { limit: 50, ...(memoCursor && { cursor: memoCursor }) } } })),
  });
  const items = returns.data?.items ?? [];
  const turnaround = median(items.flatMap((r) => (r.turnaroundHours === null ? [] : [r.turnaroundHours])));
  return (
    <Stack data-testid="returns-page">
      <Title order={2}>Returns and credits</Title>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Returns on this page
          </Text>
          <Text fw={600}>{items.length}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Awaiting receipt
          </Text>
          <Text fw={600}>{items.filter((r) => r.status === 'authorized').length}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Received, not credited
          </Text>
          <Text fw={600}>{items.filter((r) => r.lines.some((l) => l.qtyReceived > l.qtyCredited)).length}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Median turnaround (authorized → credited)
          </Text>
          <Text fw={600} data-testid="returns-turnaround">
            {turnaround === null ? '—' : `${turnaround.toFixed(1)} h`}
          </Text>
        </Card>
      </SimpleGrid>
      <Group>
        <Select
          placeholder="Any status"
          clearable
          w={200}
          data={['authorized', 'received', 'declined', 'closed']}
          value={status}
          onChange={(v) => {
            setStatus(v as ReturnStatus | null);
            setReturnCursor(undefined);
          }}
          data-testid="returns-status-filter"
        />
        <Switch
          label="Not yet credited"
          checked={uncredited}
          onChange={(e) => {
            setUncredited(e.currentTarget.checked);
            setReturnCursor(undefined);
          }}
        />
      </Group>
      {returns.error && <ErrorAlert error={returns.error} />}
      <Card withBorder padding={0}>
        <Table data-testid="returns-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Order</Table.Th>
              <Table.Th miw={120}>Status</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Lines (authorized / received: restock · quarantine · scrap / credited)</Table.Th>
              <Table.Th>Authorized</Table.Th>
              <Table.Th>Credited</Table.Th>
              <Table.Th>Turnaround</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text c="dimmed">No returns.</Text>
                </Table.Td>
              </Table.Tr>
            )}
            {items.map((r) => (
              <Table.Tr key={r.id} data-testid="return-row">
                <Table.Td>
                  <Link to="/orders/$orderId" params={{ orderId: r.orderId }}>
                    #{r.orderNumber}
                  </Link>
                </Table.Td>
                <Table.Td>
                  <Badge color={RETURN_COLORS[r.status] ?? 'gray'}>{r.status}</Badge>
                </Table.Td>
                <Table.Td>{r.reason}</Table.Td>
                <Table.Td>
                  {r.lines.map((l) => (
                    <Text size="sm" key={l.id}>
                      {l.sku}: {l.qtyAuthorized} / {l.qtyReceived}: {l.qtyRestocked} · {l.qtyQuarantined} · {l.qtyScrapped} /{' '}
                      {l.qtyCredited}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>{formatDateTime(r.authorizedAt)}</Table.Td>
                <Table.Td>{r.creditedAt ? formatDateTime(r.creditedAt) : '—'}</Table.Td>
                <Table.Td>{r.turnaroundHours === null ? '—' : `${r.turnaroundHours} h`}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Group>
        {returnCursor && (
          <Button variant="default" size="xs" onClick={() => setReturnCursor(undefined)}>
            First page
          </Button>
        )}
        {returns.data?.nextCursor && (
          <Button variant="default" size="xs" onClick={() => setReturnCursor(returns.data.nextCursor ?? undefined)}>
            Next page
          </Button>
        )}
      </Group>
      <Title order={3}>Credit memos</Title>
      {memos.error && <ErrorAlert error={memos.error} />}
      <Card withBorder padding={0}>
        <Table data-testid="credit-memos-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Posted</Table.Th>
              <Table.Th>Order</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Reason code</Table.Th>
              <Table.Th>Units</Table.Th>
              <Table.Th>Net</Table.Th>
              <Table.Th>Total</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(memos.data?.items ?? []).map((c) => (
              <Table.Tr key={c.id} data-testid="credit-memo-row">
                <Table.Td>{formatDateTime(c.postedAt)}</Table.Td>
                <Table.Td>
                  <Link to="/orders/$orderId" params={{ orderId: c.orderId }}>
                    #{c.orderNumber}
                  </Link>
                </Table.Td>
                <Table.Td>{c.kind}</Table.Td>
                <Table.Td>
                  <Badge color={c.status === 'posted' ? 'green' : 'gray'}>{c.status}</Badge>
                </Table.Td>
                <Table.Td>{c.reasonCode ?? '—'}</Table.Td>
                <Table.Td>{c.lines.reduce((a, l) => a + l.qty, 0)}</Table.Td>
                <Table.Td>{money(c.netMinor)}</Table.Td>
                <Table.Td>{money(c.totalMinor)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Group>
        {memoCursor && (
          <Button variant="default" size="xs" onClick={() => setMemoCursor(undefined)}>
            First page
          </Button>
        )}
        {memos.data?.nextCursor && (
          <Button variant="default" size="xs" onClick={() => setMemoCursor(memos.data.nextCursor ?? undefined)}>
            Next page
          </Button>
        )}
      </Group>
    </Stack>
  );
}
