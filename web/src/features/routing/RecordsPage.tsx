import { Badge, Card, Checkbox, Group, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { RECORD_TYPES, type RecordType } from './catalog';
import { RecordLink, useUserNames } from './shared';

const LABELS: Record<RecordType, string> = { lead: 'Leads', account: 'Accounts', opportunity: 'Opportunities' };

type Row = { id: string; name: string; ownerId: string | null; region: string | null; status: string; updatedAt: string };

async function listRecords(type: RecordType, q: string, unowned: boolean): Promise<Row[]> {
  const query = { params: { query: { limit: 100, ...(q && { q }), ...(unowned && { unowned: 'true' as const }) } } };
  if (type === 'lead') return (await unwrap(api.GET('/api/v1/leads', query))).items;
  if (type === 'account') return (await unwrap(api.GET('/api/v1/accounts', query))).items;
  return (await unwrap(api.GET('/api/v1/opportunities', query))).items;
}

/** Find any lead, account or opportunity and open its ownership page. */
export function RecordsPage() {
  const { nameOf } = useUserNames();
  const [type, setType] = useState<RecordType>('lead');
  const [q, setQ] = useState('');
  const [unowned, setUnowned] = useState(false);
  const [debounced] = useDebouncedValue(q, 300);
  const records = useQuery({
    queryKey: ['records', type, debounced, unowned],
    queryFn: () => listRecords(type, debounced, unowned),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="lg" maw={1300} data-testid="records-page">
      <div>
        <Title order={2}>Records</Title>
        <Text c="dimmed">Who owns what, and why. Open a record for its ownership timeline.</Text>
      </div>
      <Tabs value={type} onChange={(v) => setType(v as RecordType)}>
        <Tabs.List>
          {RECORD_TYPES.map((t) => (
            <Tabs.Tab key={t} value={t}>
              {LABELS[t]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group>
        <TextInput
          placeholder="Search by name"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={320}
          data-testid="records-search"
        />
        <Checkbox label="Without an owner" checked={unowned} onChange={(e) => setUnowned(e.currentTarget.checked)} />
      </Group>
      {records.isError && <ErrorAlert error={records.error} />}
      <Card withBorder radius="md" p={0} style={{ opacity: records.isPlaceholderData ? 0.6 : 1 }}>
        <Table highlightOnHover verticalSpacing="xs" data-testid="records-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Region</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {records.data?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={5}>
                  <Text c="dimmed" ta="center">
                    Nothing matches.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {records.data?.map((r) => (
              <Table.Tr key={r.id} data-testid="records-row">
                <Table.Td>
                  <RecordLink type={type} id={r.id}>
                    {r.name}
                  </RecordLink>
                </Table.Td>
                <Table.Td>
                  {r.ownerId ? (
                    nameOf(r.ownerId)
                  ) : (
                    <Badge color="red" variant="light">
                      unowned
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{r.region ?? '—'}</Table.Td>
                <Table.Td>{r.status}</Table.Td>
                <Table.Td fz="sm" c="dimmed">
                  {formatDateTime(r.updatedAt)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
