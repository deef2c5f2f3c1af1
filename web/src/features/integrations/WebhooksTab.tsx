import { Alert, Badge, Button, Card, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import type { paths } from '../../lib/api-types';
import { formatDate } from '../../lib/format';

type Webhook = paths['/api/v1/webhooks']['get']['responses'][200]['content']['application/json']['items'][number];
const events = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean);

function Deliveries({ endpointId }: { endpointId: string }) {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['webhook-deliveries', endpointId],
    queryFn: () => unwrap(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: endpointId }, query: { limit: 50 } } })),
  });
  const replay = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST('/api/v1/webhooks/deliveries/{id}/replay', { params: { path: { id } }, body: { reason: 'replayed from the web app' } }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhook-deliveries', endpointId] }),
  });
  if (list.error) return <ErrorAlert error={list.error} />;
  const items = list.data?.items ?? [];
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No deliveries yet.
      </Text>
    );
  return (
    <Table data-testid="deliveries-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Event</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Attempts (request → response)</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>
              <Text size="sm">{d.eventType}</Text>
              <Text size="xs" c="dimmed">
                v{d.aggregateVersion} · {formatDate(d.createdAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge color={d.status === 'delivered' ? 'green' : d.status === 'dead' ? 'red' : 'gray'}>{d.status}</Badge>
            </Table.Td>
            <Table.Td>
              {d.log.map((a) => (
                <Text size="xs" key={a.attempt}>
                  #{a.attempt} {formatDate(a.attemptedAt)} → {a.statusCode ?? 'no answer'} in {a.durationMs} ms
                  {a.error ? ` (${a.error})` : ''}
                  {a.responseExcerpt && <Code>{a.responseExcerpt.slice(0, 200)}</Code>}
                </Text>
              ))}
            </Table.Td>
            <Table.Td>
              <Button size="xs" variant="light" onClick={() => replay.mutate(d.id)} loading={replay.isPending && replay.variables === d.id}>
                Replay
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function EndpointCard({ webhook }: { webhook: Webhook }) {
  const client = useQueryClient();
  const [filters, setFilters] = useState(webhook.events.join(', '));
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (changes: { events?: string[]; enabled?: boolean }) =>
      unwrap(
        api.PATCH('/api/v1/webhooks/{id}', {
          params: { path: { id: webhook.id }, header: { 'if-match': `"v${webhook.version}"` } },
          body: changes,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id: webhook.id } } })),
    onSuccess: (r) => setSecret(`${r.secret} (previous secrets still sign until ${formatDate(r.previousSecretsExpireAt)})`),
  });
  return (
    <Card withBorder data-testid="webhook-row">
      <Stack gap="xs">
        <Group justify="space-between">
          <div>
            <Text fw={600} data-testid="webhook-url">
              {webhook.url}
            </Text>
            <Text size="xs" c="dimmed">
              {webhook.description ?? 'no description'} · created {formatDate(webhook.createdAt)}
            </Text>
          </div>
          <Group gap="xs">
            <Badge color={webhook.enabled ? 'green' : 'red'}>
              {webhook.enabled ? 'enabled' : `disabled${webhook.disabledReason ? `: ${webhook.disabledReason}` : ''}`}
            </Badge>
            <Button size="xs" variant="light" onClick={() => save.mutate({ enabled: !webhook.enabled })}>
              {webhook.enabled ? 'Disable' : 'Enable'}
            </Button>
            <Button size="xs" variant="light" onClick={() => rotate.mutate()} loading={rotate.isPending}>
              Rotate secret
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setOpen(!open)}>
              {open ? 'Hide deliveries' : 'Deliveries'}
            </Button>
          </Group>
        </Group>
        <Group align="flex-end">
          <TextInput
            label="Event filters"
            description="event types, families like lead.*, or *"
            value={filters}
            onChange={(e) => setFilters(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button size="sm" variant="default" onClick={() => save.mutate({ events: events(filters) })} loading={save.isPending}>
            Save filters
          </Button>
        </Group>
        {save.error && <ErrorAlert error={save.error} />}
        {rotate.error && <ErrorAlert error={rotate.error} />}
        {secret && (
          <Alert color="yellow" title="New signing secret — shown once">
            <Code>{secret}</Code>
          </Alert>
        )}
        {open && <Deliveries endpointId={webhook.id} />}
      </Stack>
    </Card>
  );
}

/** Webhook endpoints: create (the secret is shown once), edit filters, enable/disable, rotate, deliveries and replay. */
export function WebhooksTab() {
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['webhooks'], queryFn: () => unwrap(api.GET('/api/v1/webhooks')) });
  const [url, setUrl] = useState('');
  const [filters, setFilters] = useState('*');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webhooks', { body: { url, events: events(filters), ...(description && { description }) } })),
    onSuccess: (w) => {
      setCreated({ url: w.url, secret: w.secret });
      setUrl('');
      setDescription('');
      void client.invalidateQueries({ queryKey: ['webhooks'] });
    },
  });
  return (
    <Stack>
      <Card withBorder>
        <Stack>
          <Text fw={600}>New endpoint</Text>
          <Group grow align="flex-start">
            <TextInput
              label="URL"
              placeholder="https://crm.example.com/hooks/baton"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              data-testid="webhook-url-input"
            />
            <TextInput
              label="Events"
              value={filters}
              onChange={(e) => setFilters(e.currentTarget.value)}
              data-testid="webhook-events-input"
            />
            <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          </Group>
          {create.error && <ErrorAlert error={create.error} />}
          <Group>
            <Button onClick={() => create.mutate()} loading={create.isPending} disabled={!url} data-testid="webhook-create">
              Create endpoint
            </Button>
          </Group>
          {created && (
            <Alert color="yellow" title={`Signing secret for ${created.url} — shown once`} data-testid="webhook-secret">
              <Code>{created.secret}</Code>
            </Alert>
          )}
        </Stack>
      </Card>
      {list.error && <ErrorAlert error={list.error} />}
      {(list.data?.items ?? []).map((w) => (
        <EndpointCard key={`${w.id}:${w.version}`} webhook={w} />
      ))}
      {list.data?.items.length === 0 && (
        <Text c="dimmed" size="sm">
          No endpoints yet.
        </Text>
      )}
    </Stack>
  );
}
