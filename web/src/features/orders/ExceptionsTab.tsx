import { Badge, Button, Card, Group, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';

/** Open exception cases across channels: who owns each, when it is due, and resolve/waive with a reason. */
export function ExceptionsTab() {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const cases = useQuery({
    queryKey: ['order-exceptions'],
    queryFn: () => unwrap(api.GET('/api/v1/exceptions', { params: { query: { status: 'open', limit: 100 } } })),
  });
  const resolve = useMutation({
    mutationFn: (c: { id: string; version: number; outcome: 'resolved' | 'waived' }) =>
      unwrap(
        api.POST('/api/v1/exceptions/{id}/resolve', {
          params: { path: { id: c.id }, header: { 'if-match': `"v${c.version}"` } },
          body: { outcome: c.outcome, reason },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['order-exceptions'] }),
  });
  if (cases.error) return <ErrorAlert error={cases.error} />;
  return (
    <Card withBorder padding={0}>
      <Group p="sm">
        <TextInput
          placeholder="Reason (required to resolve or waive)"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          w={360}
        />
      </Group>
      {resolve.error && <ErrorAlert error={resolve.error} />}
      <Table data-testid="exceptions-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Opened</Table.Th>
            <Table.Th>Control point</Table.Th>
            <Table.Th>Category</Table.Th>
            <Table.Th>Detail</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>Order</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(cases.data?.items ?? []).map((c) => {
            const version = Number((c as { version?: number }).version ?? 1);
            return (
              <Table.Tr key={c.id} data-testid="exception-row">
                <Table.Td>{formatDateTime(c.openedAt)}</Table.Td>
                <Table.Td>{c.controlPoint}</Table.Td>
                <Table.Td>
                  <Badge color="red" variant="light">
                    {c.category}
                  </Badge>
                </Table.Td>
                <Table.Td>{c.detail}</Table.Td>
                <Table.Td>{formatDateTime(c.dueAt)}</Table.Td>
                <Table.Td>
                  {c.orderId ? (
                    <Link to="/orders/$orderId" params={{ orderId: c.orderId }}>
                      open
                    </Link>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button
                      size="xs"
                      variant="light"
                      disabled={!reason.trim()}
                      onClick={() => resolve.mutate({ id: c.id, version, outcome: 'resolved' })}
                    >
                      Resolve
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      disabled={!reason.trim()}
                      onClick={() => resolve.mutate({ id: c.id, version, outcome: 'waived' })}
                    >
                      Waive
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {cases.data && cases.data.items.length === 0 && (
        <Text c="dimmed" p="md">
          No open exceptions.
        </Text>
      )}
    </Card>
  );
}
