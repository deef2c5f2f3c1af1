import { Badge, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDate } from '../../lib/format';
import { pct } from './money';

/** The variant registry: the standard workflow, and each channel variant with its diff and exception rate. */
export function VariantsPage() {
  const registry = useQuery({ queryKey: ['variants'], queryFn: () => unwrap(api.GET('/api/v1/variants')) });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/v1/channels')) });
  if (registry.error) return <ErrorAlert error={registry.error} />;
  const data = registry.data;
  const channelName = new Map((channels.data?.items ?? []).map((c) => [c.id, c.name]));
  return (
    <Stack>
      <Title order={2}>Workflow variants</Title>
      {data && (
        <Card withBorder>
          <Group>
            <Text fw={600}>Standard workflow v{data.standard.version}</Text>
            <Badge variant="light">exception rate {pct(data.standard.exceptionRate)}</Badge>
          </Group>
          <Code block mt="xs">
            {JSON.stringify(data.standard.gates, null, 2)}
          </Code>
        </Card>
      )}
      <Card withBorder padding={0}>
        <Table data-testid="variants-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Changes vs standard</Table.Th>
              <Table.Th>Rationale</Table.Th>
              <Table.Th>Support</Table.Th>
              <Table.Th>Review by</Table.Th>
              <Table.Th>Exception rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(data?.variants ?? []).map((v) => (
              <Table.Tr key={v.id} data-testid="variant-row">
                <Table.Td>{channelName.get(v.channelId) ?? v.channelId.slice(0, 8)}</Table.Td>
                <Table.Td>{v.version}</Table.Td>
                <Table.Td>
                  <Badge color={v.expired ? 'orange' : v.status === 'active' ? 'green' : 'gray'}>{v.expired ? 'expired' : v.status}</Badge>
                </Table.Td>
                <Table.Td>
                  {(v.diff as Array<{ controlPoint: string; change: string; gate: { type: string } }>).map((d, i) => (
                    <Text size="sm" key={i}>
                      {d.change} <b>{d.gate.type}</b> at {d.controlPoint}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>{String(v.rationale ?? '—')}</Table.Td>
                <Table.Td>{String(v.supportModel ?? '—')}</Table.Td>
                <Table.Td>{v.reviewBy ? formatDate(v.reviewBy) : '—'}</Table.Td>
                <Table.Td>{pct(v.exceptionRate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
