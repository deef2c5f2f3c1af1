import { Card, Select, Stack, Table } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';

/** Stock by location with its buckets; for a channel, the available total over its fulfilment locations. */
export function StockTab() {
  const [channelId, setChannelId] = useState<string | null>(null);
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/v1/channels')) });
  const locations = useQuery({ queryKey: ['locations'], queryFn: () => unwrap(api.GET('/api/v1/locations')) });
  const stock = useQuery({
    queryKey: ['stock', channelId],
    queryFn: () => unwrap(api.GET('/api/v1/stock', { params: { query: channelId ? { channelId } : {} } })),
  });
  if (stock.error) return <ErrorAlert error={stock.error} />;
  const locationCode = new Map((locations.data?.items ?? []).map((l) => [l.id, l.code]));
  return (
    <Stack>
      <Select
        placeholder="All locations (pick a channel for its availability)"
        clearable
        data={(channels.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
        value={channelId}
        onChange={setChannelId}
        w={360}
      />
      {stock.data?.channel && (
        <Card withBorder padding={0}>
          <Table data-testid="channel-availability">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>SKU</Table.Th>
                <Table.Th>Available to the channel</Table.Th>
                <Table.Th>Projected (with incoming)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {stock.data.channel.map((c) => (
                <Table.Tr key={c.itemId}>
                  <Table.Td>{c.sku}</Table.Td>
                  <Table.Td>{c.available}</Table.Td>
                  <Table.Td>{c.projected}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      <Card withBorder padding={0}>
        <Table striped data-testid="stock-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>SKU</Table.Th>
              <Table.Th>Location</Table.Th>
              <Table.Th>On hand</Table.Th>
              <Table.Th>Allocated</Table.Th>
              <Table.Th>Quarantined</Table.Th>
              <Table.Th>Incoming</Table.Th>
              <Table.Th>Available</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(stock.data?.levels ?? []).map((l) => (
              <Table.Tr key={`${l.itemId}-${l.locationId}`}>
                <Table.Td>{l.sku}</Table.Td>
                <Table.Td>{locationCode.get(l.locationId) ?? l.locationId.slice(0, 8)}</Table.Td>
                <Table.Td>{l.onHand}</Table.Td>
                <Table.Td>{l.allocated}</Table.Td>
                <Table.Td>{l.quarantined}</Table.Td>
                <Table.Td>{l.incoming}</Table.Td>
                <Table.Td>{l.available}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
