import '@mantine/dates/styles.css';
import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Card,
  Code,
  Drawer,
  Group,
  ScrollArea,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { DatePickerInput, type DatesRangeValue } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { type ReactNode, useMemo, useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, type Schemas, unwrap } from '../../lib/api-client';
import { changedKeys, formatDateTime, prettyJson } from '../../lib/format';
import { can, useMe } from '../../lib/session';

type AuditEvent = Schemas['AuditEvent'];
type AuditQuery = Schemas['AuditQuery'];

const KNOWN_EVENTS = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.password_changed',
  'team.created',
  'team.updated',
  'calendar.created',
  'calendar.updated',
  'partner.created',
  'token.created',
  'token.revoked',
  'session.created',
  'session.revoked',
];
const KNOWN_ENTITY_TYPES = ['user', 'team', 'calendar', 'partner', 'token', 'session'];
const PAGE_SIZE = 50;

const EVENT_COLORS: Record<string, string> = {
  created: 'green',
  updated: 'blue',
  deactivated: 'red',
  revoked: 'red',
  reactivated: 'teal',
  password_changed: 'orange',
};
const eventColor = (name: string) => EVENT_COLORS[name.split('.').at(-1) ?? ''] ?? 'gray';

type Filters = { entityType: string; entityId: string; eventName: string; actorId: string | null; range: DatesRangeValue<string | null> };
const EMPTY_FILTERS: Filters = { entityType: '', entityId: '', eventName: '', actorId: null, range: [null, null] };

/** Filters → API query: dates are local days; `to` is exclusive, so it is the start of the day after. */
function toQuery(f: Filters): Omit<AuditQuery, 'limit' | 'cursor'> {
  const [fromDay, toDay] = f.range;
  return {
    ...(f.entityType.trim() && { entityType: f.entityType.trim() }),
    ...(f.entityId.trim() && { entityId: f.entityId.trim() }),
    ...(f.eventName.trim() && { eventName: f.eventName.trim() }),
    ...(f.actorId && { actorId: f.actorId }),
    ...(fromDay && { from: dayjs(fromDay).startOf('day').format() }),
    ...(toDay && { to: dayjs(toDay).add(1, 'day').startOf('day').format() }),
  };
}

function useActorOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'actor-options'],
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200 } } }));
      return page.items.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }));
    },
    enabled,
    staleTime: 60_000,
  });
}

type Verification = Schemas['Verification'];

function VerificationResult({ result }: { result: Verification }) {
  const checkpoints = result.checkpoints;
  return (
    <Alert
      color={result.ok ? 'green' : 'red'}
      variant={result.ok ? 'light' : 'filled'}
      title={result.ok ? 'Chain verified' : 'Chain broken'}
      data-testid="verify-result"
      data-ok={String(result.ok)}
    >
      {result.ok ? (
        <Text size="sm">
          All {result.rows.toLocaleString()} rows hash-link correctly{result.headSeq !== undefined && ` up to chain position ${result.headSeq}`}
          {checkpoints !== undefined &&
            checkpoints > 0 &&
            `, and ${checkpoints === 1 ? 'the signed checkpoint agrees' : `all ${checkpoints} signed checkpoints agree`}`}
          .{result.pending ? ` ${result.pending.toLocaleString()} events committed during the check await their seal.` : ''}
        </Text>
      ) : (
        <Text size="sm">
          First bad seq <b data-testid="verify-first-bad-seq">{result.firstBadSeq ?? '?'}</b>
          {result.problem && (
            <>
              : <b data-testid="verify-problem">{result.problem}</b>
            </>
          )}
          {result.detail && <> — {result.detail}</>} ({result.rows.toLocaleString()} rows checked)
        </Text>
      )}
    </Alert>
  );
}

function JsonPane({ label, value, highlight, empty }: { label: string; value: unknown; highlight: string[]; empty: string }) {
  const absent = value === null || value === undefined;
  return (
    <Stack gap={6} miw={0}>
      <Text fw={600} size="sm">
        {label}
      </Text>
      {absent ? (
        <Text
          size="sm"
          c="dimmed"
          fs="italic"
          p="sm"
          bg="gray.0"
          style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          data-testid={`audit-detail-${label.toLowerCase()}`}
        >
          {empty}
        </Text>
      ) : (
        <ScrollArea.Autosize mah="60vh" type="auto">
          <Code
            block
            style={{ fontSize: 12, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
            data-testid={`audit-detail-${label.toLowerCase()}`}
          >
            {prettyJson(value)}
          </Code>
        </ScrollArea.Autosize>
      )}
      {highlight.length > 0 && value !== null && value !== undefined && (
        <Text size="xs" c="dimmed">
          {highlight.length} changed field{highlight.length === 1 ? '' : 's'}
        </Text>
      )}
    </Stack>
  );
}

function EventDetail({ event }: { event: AuditEvent }) {
  // Only an update has two sides to compare; a create or delete changes everything.
  const changed = event.before != null && event.after != null ? changedKeys(event.before, event.after) : [];
  const facts: Array<[string, ReactNode]> = [
    [
      'Seq',
      <Text key="seq" ff="monospace" size="sm">
        {event.seq}
      </Text>,
    ],
    ['Time', formatDateTime(event.occurredAt)],
    ['Entity', <Text key="entity" ff="monospace" size="sm">{`${event.entityType} ${event.entityId}`}</Text>],
    ['Actor', event.actorLabel],
    [
      'Reason',
      event.reason ?? (
        <Text key="reason" c="dimmed" size="sm">
          —
        </Text>
      ),
    ],
    [
      'Request',
      event.requestId ? (
        <Text key="req" ff="monospace" size="sm">
          {event.requestId}
        </Text>
      ) : (
        <Text key="req" c="dimmed" size="sm">
          —
        </Text>
      ),
    ],
  ];
  return (
    <Stack gap="lg" data-testid="audit-detail">
      <Table withRowBorders={false} verticalSpacing={4} layout="fixed">
        <Table.Tbody>
          {facts.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Td w={90} c="dimmed" fz="sm">
                {label}
              </Table.Td>
              <Table.Td fz="sm" style={{ wordBreak: 'break-all' }}>
                {value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {changed.length > 0 && (
        <Group gap={6}>
          <Text size="sm" c="dimmed">
            Changed:
          </Text>
          {changed.map((key) => (
            <Badge key={key} variant="outline" size="sm" tt="none" data-testid="audit-detail-changed">
              {key}
            </Badge>
          ))}
        </Group>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <JsonPane label="Before" value={event.before} highlight={changed} empty="Nothing before: this event created the record." />
        <JsonPane label="After" value={event.after} highlight={changed} empty="Nothing after: the record no longer exists." />
      </SimpleGrid>
      <Stack gap={4}>
        <Text fw={600} size="sm">
          Hash
        </Text>
        <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="audit-detail-hash">
          {event.hash ?? 'Not sealed yet: the sealer links each committed event into the chain within moments.'}
        </Code>
        <Text size="xs" c="dimmed">
          SHA-256 over this event’s chained fields and the previous event’s hash; any edit, deletion or reordering breaks the chain.
        </Text>
      </Stack>
    </Stack>
  );
}

export function AuditPage() {
  const me = useMe();
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [debounced] = useDebouncedValue(filters, 350);
  const query = useMemo(() => toQuery(debounced), [debounced]);
  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const actors = useActorOptions(can(me, 'user.read'));
  const canVerify = can(me, 'audit.verify');
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/api/v1/audit/verify')) });

  const events = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/audit', { params: { query: { ...query, limit: PAGE_SIZE, ...(pageParam && { cursor: pageParam }) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const set =
    <K extends keyof Filters>(key: K) =>
    (value: Filters[K]) =>
      setFilters((f) => ({ ...f, [key]: value }));
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY_FILTERS);

  return (
    <Stack gap="lg" maw={1400} data-testid="audit-page">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Audit log</Title>
          <Text c="dimmed">Every change, who made it and why — newest first.</Text>
        </div>
        {canVerify && (
          <Button variant="light" color="grape" onClick={() => verify.mutate()} loading={verify.isPending} data-testid="verify-chain">
            Verify chain
          </Button>
        )}
      </Group>
      {verify.isError && <ErrorAlert error={verify.error} title="Verification could not run" />}
      {verify.data && <VerificationResult result={verify.data} />}

      <Card withBorder radius="md" p="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Autocomplete
            label="Event"
            placeholder="e.g. user.created"
            data={KNOWN_EVENTS}
            value={filters.eventName}
            onChange={set('eventName')}
            style={{ flex: '1 1 170px' }}
            data-testid="filter-event"
          />
          <Autocomplete
            label="Entity type"
            placeholder="e.g. user"
            data={KNOWN_ENTITY_TYPES}
            value={filters.entityType}
            onChange={set('entityType')}
            style={{ flex: '1 1 130px' }}
            data-testid="filter-entity-type"
          />
          <TextInput
            label="Entity id"
            placeholder="uuid or key"
            value={filters.entityId}
            onChange={(e) => set('entityId')(e.currentTarget.value)}
            style={{ flex: '1 1 190px' }}
            data-testid="filter-entity-id"
          />
          {actors.isSuccess && (
            <Select
              label="Actor"
              placeholder="Anyone"
              data={actors.data}
              value={filters.actorId}
              onChange={set('actorId')}
              searchable
              clearable
              style={{ flex: '1 1 200px' }}
              data-testid="filter-actor"
            />
          )}
          <DatePickerInput
            type="range"
            label="Date range"
            placeholder="Any time"
            value={filters.range}
            onChange={set('range')}
            clearable
            allowSingleDateInRange
            style={{ flex: '1 1 210px' }}
            valueFormat="D MMM YYYY"
            data-testid="filter-dates"
          />
          <Button variant="subtle" color="gray" onClick={() => setFilters(EMPTY_FILTERS)} disabled={!filtered} data-testid="filter-reset">
            Reset
          </Button>
        </Group>
      </Card>

      {events.isError && <ErrorAlert error={events.error} title="Could not load the audit log" />}

      <Card withBorder radius="md" p={0} style={{ opacity: events.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}>
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover verticalSpacing="xs" horizontalSpacing="md" data-testid="audit-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Seq</Table.Th>
                <Table.Th w={170}>Time</Table.Th>
                <Table.Th w={190}>Event</Table.Th>
                <Table.Th>Entity</Table.Th>
                <Table.Th w={220}>Actor</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.isPending &&
                Array.from({ length: 8 }, (_, i) => (
                  <Table.Tr key={i}>
                    <Table.Td colSpan={6}>
                      <Skeleton h={18} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              {events.isSuccess && rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="lg" data-testid="audit-empty">
                      No audit events match these filters.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {rows.map((event) => (
                <Table.Tr
                  key={event.seq}
                  onClick={() => setSelected(event)}
                  style={{ cursor: 'pointer' }}
                  data-testid="audit-row"
                  data-event={event.eventName}
                  data-seq={event.seq}
                >
                  <Table.Td ff="monospace" c="dimmed">
                    {event.seq}
                  </Table.Td>
                  <Table.Td fz="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(event.occurredAt)}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={eventColor(event.eventName)} tt="none" radius="sm">
                      {event.eventName}
                    </Badge>
                  </Table.Td>
                  <Table.Td fz="sm">
                    <Text span fw={500} fz="sm">
                      {event.entityType}
                    </Text>{' '}
                    <Tooltip label={event.entityId} openDelay={400}>
                      <Text span ff="monospace" c="dimmed" fz="xs">
                        {event.entityId.length > 13 ? `${event.entityId.slice(0, 8)}…` : event.entityId}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td fz="sm">{event.actorLabel}</Table.Td>
                  <Table.Td fz="sm" c={event.reason ? undefined : 'dimmed'}>
                    <Text fz="sm" lineClamp={1} inherit>
                      {event.reason ?? '—'}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>

      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="audit-count">
          {events.isSuccess && `Showing ${rows.length} event${rows.length === 1 ? '' : 's'}${events.hasNextPage ? '' : ' (all)'}`}
        </Text>
        {events.hasNextPage && (
          <Button
            variant="default"
            onClick={() => events.fetchNextPage()}
            loading={events.isFetchingNextPage}
            data-testid="audit-load-more"
          >
            Load more
          </Button>
        )}
      </Group>

      <Drawer
        opened={selected !== null}
        onClose={() => setSelected(null)}
        position="right"
        size={920}
        title={
          selected && (
            <Group gap="xs">
              <Badge variant="light" color={eventColor(selected.eventName)} tt="none" size="lg" radius="sm">
                {selected.eventName}
              </Badge>
              <Text c="dimmed" size="sm">
                #{selected.seq}
              </Text>
            </Group>
          )
        }
        data-testid="audit-drawer"
      >
        {selected && <EventDetail event={selected} />}
      </Drawer>
    </Stack>
  );
}
