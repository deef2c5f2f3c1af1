import { Anchor, Button, Card, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { can, type Permission, useMe } from '../../lib/session';

const KINDS: Array<{
  value: string;
  label: string;
  permission: string;
  filters: Array<{ key: string; label: string; placeholder?: string }>;
}> = [
  {
    value: 'audit',
    label: 'Audit trail',
    permission: 'audit.read',
    filters: [
      { key: 'event', label: 'Event', placeholder: 'lead.created' },
      { key: 'entityType', label: 'Entity type', placeholder: 'lead' },
    ],
  },
  {
    value: 'assignments',
    label: 'Assignments',
    permission: 'assignment.read',
    filters: [
      { key: 'recordType', label: 'Record type', placeholder: 'lead' },
      { key: 'open', label: 'Open only (true/false)' },
    ],
  },
  {
    value: 'registrations',
    label: 'Deal registrations',
    permission: 'registration.read',
    filters: [{ key: 'status', label: 'Status', placeholder: 'approved' }],
  },
  {
    value: 'orders',
    label: 'Orders',
    permission: 'order.read',
    filters: [{ key: 'lifecycle', label: 'Lifecycle', placeholder: 'released' }],
  },
  { value: 'routing-kpis', label: 'Routing KPIs', permission: 'report.routing', filters: [] },
  { value: 'order-kpis', label: 'Order KPIs', permission: 'kpi.read', filters: [] },
];

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Pick a kind and filters; the download is a plain link, streamed by the server as formula-safe CSV. */
export function ExportsTab() {
  const me = useMe();
  const kinds = KINDS.filter((k) => can(me, k.permission as Permission));
  const [kind, setKind] = useState<string>(kinds[0]?.value ?? 'audit');
  const [from, setFrom] = useState(isoDay(new Date(Date.now() - 30 * 86_400_000)));
  const [to, setTo] = useState(isoDay(new Date(Date.now() + 86_400_000)));
  const [filters, setFilters] = useState<Record<string, string>>({});
  const spec = KINDS.find((k) => k.value === kind)!;
  const query = new URLSearchParams();
  if (from) query.set('from', new Date(`${from}T00:00:00Z`).toISOString());
  if (to) query.set('to', new Date(`${to}T00:00:00Z`).toISOString());
  for (const f of spec.filters) if (filters[f.key]) query.set(f.key, filters[f.key]!);
  const href = `/api/v1/exports/${kind}.csv?${query.toString()}`;
  return (
    <Card withBorder>
      <Stack>
        <Select
          label="What to export"
          data={kinds.map((k) => ({ value: k.value, label: k.label }))}
          value={kind}
          onChange={(v) => v && (setKind(v), setFilters({}))}
          allowDeselect={false}
          data-testid="export-kind"
        />
        <Group grow>
          <TextInput type="date" label="From (created on or after)" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput type="date" label="To (created before)" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </Group>
        {spec.filters.length > 0 && (
          <Group grow>
            {spec.filters.map((f) => (
              <TextInput
                key={f.key}
                label={f.label}
                placeholder={f.placeholder}
                value={filters[f.key] ?? ''}
                onChange={(e) => setFilters({ ...filters, [f.key]: e.currentTarget.value })}
              />
            ))}
          </Group>
        )}
        <Group>
          <Button component="a" href={href} download data-testid="export-download">
            Download CSV
          </Button>
          <Text size="sm" c="dimmed">
            Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with an apostrophe.
          </Text>
        </Group>
        <Anchor size="xs" href={href} c="dimmed">
          {href}
        </Anchor>
      </Stack>
    </Card>
  );
}
