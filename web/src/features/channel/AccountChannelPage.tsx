import { Button, Card, Group, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDate } from '../../lib/format';
import { ifMatch } from '../routing/shared';
import { DueBadge, label, money, StatusBadge } from './shared';
import { Facts } from './RegistrationsPage';

/** One account's channel picture: direct owner, channel owner, active registrations, open conflicts; assign/clear. */
export function AccountChannelPage() {
  const { accountId } = useParams({ strict: false }) as { accountId: string };
  const queryClient = useQueryClient();
  const view = useQuery({
    queryKey: ['account-channel', accountId],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{id}/channel', { params: { path: { id: accountId } } })),
  });
  const partners = useQuery({
    queryKey: ['partners'],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { limit: 200 } } })),
  });
  const [partnerId, setPartnerId] = useState<string | null | undefined>(undefined);
  const [directOnly, setDirectOnly] = useState<boolean | undefined>(undefined);
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/accounts/{id}/channel', {
          params: { path: { id: accountId }, header: ifMatch(view.data!.account.version) },
          body: {
            channelPartnerId: partnerId === undefined ? view.data!.account.channelPartnerId : partnerId,
            directOnly: directOnly ?? view.data!.account.directOnly,
            reason,
          },
        }),
      ),
    onSuccess: () => {
      setReason('');
      void queryClient.invalidateQueries({ queryKey: ['account-channel', accountId] });
    },
  });
  if (view.error) return <ErrorAlert error={view.error} />;
  if (!view.data) return <Text>Loading…</Text>;
  const v = view.data;
  const owner = v.channelOwner?.partner;
  return (
    <Stack data-testid="account-channel">
      <Title order={2}>{v.account.name} — channel</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Facts
            rows={[
              ['Domain', v.account.domain ?? '—'],
              ['Region', [v.account.region, v.account.country].filter(Boolean).join(' · ') || '—'],
              ['Direct owner', v.directOwner?.name ?? '—'],
              ['Channel owner', owner ? `${owner.name} (${owner.tier})` : '—'],
              ['Channel manager', v.channelOwner?.channelManager?.name ?? '—'],
              [
                'Assigned',
                v.channelOwner?.assignedAt ? `${formatDate(v.channelOwner.assignedAt)} by ${v.channelOwner.assignedBy?.name ?? '—'}` : '—',
              ],
              ['Direct only', v.account.directOnly ? 'yes' : 'no'],
            ]}
          />
          <Link to="/routing/records/$type/$id" params={{ type: 'account', id: v.account.id }}>
            Routing record
          </Link>
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">
            Assign channel ownership
          </Title>
          {save.error && <ErrorAlert error={save.error} title="Not saved" />}
          <Stack gap="xs">
            <Select
              label="Channel owner"
              placeholder="None (clear)"
              clearable
              data={(partners.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
              value={partnerId === undefined ? v.account.channelPartnerId : partnerId}
              onChange={(value) => setPartnerId(value)}
              data-testid="channel-owner-select"
            />
            <Switch
              label="Direct only"
              checked={directOnly ?? v.account.directOnly}
              onChange={(e) => setDirectOnly(e.currentTarget.checked)}
            />
            <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="channel-reason" />
            <Group>
              <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="channel-save">
                Save
              </Button>
            </Group>
          </Stack>
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={4} mb="xs">
          Active registrations
        </Title>
        <Table>
          <Table.Tbody>
            {v.activeRegistrations.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Link to="/channel/registrations/$id" params={{ id: r.id }}>
                    {r.partnerName}
                  </Link>
                </Table.Td>
                <Table.Td>{r.productLine}</Table.Td>
                <Table.Td>
                  <StatusBadge status={r.status} />
                </Table.Td>
                <Table.Td>{money(r.amountMinor, r.currency)}</Table.Td>
                <Table.Td>{r.expiresAt ? `expires ${formatDate(r.expiresAt)}` : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {v.activeRegistrations.length === 0 && <Text c="dimmed">None.</Text>}
      </Card>
      <Card withBorder>
        <Title order={4} mb="xs">
          Open conflicts
        </Title>
        {v.openConflicts.map((c) => (
          <Group key={c.id}>
            <Text size="sm">{label(c.kind)}</Text>
            <Text size="sm" c="dimmed">
              {c.detail}
            </Text>
            <DueBadge dueAt={c.dueAt} />
          </Group>
        ))}
        {v.openConflicts.length === 0 && <Text c="dimmed">None.</Text>}
      </Card>
    </Stack>
  );
}
