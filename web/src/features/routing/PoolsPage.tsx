import { Alert, Badge, Button, Card, Code, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime, prettyJson } from '../../lib/format';
import { useMe } from '../../lib/session';
import { hasPermission, ifMatch, type PoolDetail } from './shared';

type MemberEdit = { weight: number; wipCap: number | null; perDay: number | null };
const STRATEGIES = ['round_robin', 'weighted', 'least_loaded'] as const;

function PoolDetailView({ pool }: { pool: PoolDetail }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const canEdit = hasPermission(me, 'pool.manage');
  const [editing, setEditing] = useState(false);
  const [strategy, setStrategy] = useState(pool.strategy);
  const [reason, setReason] = useState('');
  const [edits, setEdits] = useState<Record<string, MemberEdit>>({});
  useEffect(() => {
    setStrategy(pool.strategy);
    setEdits(Object.fromEntries(pool.members.map((m) => [m.userId, { weight: m.weight, wipCap: m.wipCap, perDay: m.rateCap.perDay }])));
  }, [pool]);
  const live = new Map(pool.live.map((l) => [l.userId, l]));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/v1/pools/{id}', {
          params: { path: { id: pool.id }, header: ifMatch(pool.version) },
          body: {
            strategy,
            members: pool.members.map((m) => {
              const e = edits[m.userId]!;
              return {
                userId: m.userId,
                weight: e.weight,
                wipCap: e.wipCap,
                rateCap: { perDay: e.perDay, perWeek: m.rateCap.perWeek },
                regions: m.regions,
                productLines: m.productLines,
              };
            }),
            ...(reason.trim() && { reason: reason.trim() }),
          },
        }),
      ),
    onSuccess: async () => {
      setEditing(false);
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['pool', pool.id] });
      await queryClient.invalidateQueries({ queryKey: ['pools'] });
    },
  });
  const set = (userId: string, patch: Partial<MemberEdit>) => setEdits((all) => ({ ...all, [userId]: { ...all[userId]!, ...patch } }));
  return (
    <Stack gap="md" data-testid="pool-detail">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={3}>{pool.name}</Title>
          {editing ? (
            <Select
              size="xs"
              data={[...STRATEGIES]}
              value={strategy}
              onChange={(v) => v && setStrategy(v as typeof strategy)}
              allowDeselect={false}
              w={150}
              data-testid="pool-strategy"
            />
          ) : (
            <Badge variant="light">{pool.strategy.replace('_', ' ')}</Badge>
          )}
          <Badge variant="outline">{pool.returnPolicy.replace('_', ' ')}</Badge>
          <Text size="sm" c="dimmed">
            {pool.decisions} decisions
          </Text>
        </Group>
        {canEdit &&
          (editing ? (
            <Group gap="xs">
              <TextInput
                size="xs"
                placeholder="Reason (optional)"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                w={220}
              />
              <Button size="xs" variant="default" onClick={() => setEditing(false)}>
                Cancel
              </Button>
              <Button size="xs" onClick={() => save.mutate()} loading={save.isPending} data-testid="pool-save">
                Save
              </Button>
            </Group>
          ) : (
            <Button size="xs" variant="light" onClick={() => setEditing(true)} data-testid="pool-edit">
              Edit
            </Button>
          ))}
      </Group>
      {save.isError && <ErrorAlert error={save.error} title="Not saved" />}
      {save.isSuccess && <Alert color="green">Saved.</Alert>}
      <Card withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="xs" data-testid="pool-members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>Member</Table.Th>
                <Table.Th>Availability</Table.Th>
                <Table.Th>Weight</Table.Th>
                <Table.Th>Open / WIP cap</Table.Th>
                <Table.Th>Today / per-day cap</Table.Th>
                <Table.Th>This week</Table.Th>
                <Table.Th>Skills</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pool.members.map((m) => {
                const l = live.get(m.userId);
                const e = edits[m.userId];
                const over = l && m.wipCap !== null && l.openCount >= m.wipCap;
                return (
                  <Table.Tr key={m.userId} data-testid="pool-member">
                    <Table.Td c="dimmed">{m.position}</Table.Td>
                    <Table.Td fw={500}>{l?.name ?? m.userId}</Table.Td>
                    <Table.Td>
                      {!l?.active ? (
                        <Badge color="gray">inactive</Badge>
                      ) : l.away ? (
                        <Badge color="orange" data-testid="member-away">
                          away
                        </Badge>
                      ) : (
                        <Badge color="green">available</Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {editing && e ? (
                        <NumberInput
                          size="xs"
                          w={80}
                          min={1}
                          max={1000}
                          value={e.weight}
                          onChange={(v) => set(m.userId, { weight: typeof v === 'number' ? v : 1 })}
                          data-testid="member-weight"
                        />
                      ) : (
                        m.weight
                      )}
                    </Table.Td>
                    <Table.Td c={over ? 'red' : undefined}>
                      {l?.openCount ?? 0} /{' '}
                      {editing && e ? (
                        <NumberInput
                          size="xs"
                          w={80}
                          min={0}
                          display="inline-block"
                          value={e.wipCap ?? ''}
                          onChange={(v) => set(m.userId, { wipCap: typeof v === 'number' ? v : null })}
                          data-testid="member-wip"
                        />
                      ) : (
                        (m.wipCap ?? '∞')
                      )}
                    </Table.Td>
                    <Table.Td>
                      {l?.assignedToday ?? 0} /{' '}
                      {editing && e ? (
                        <NumberInput
                          size="xs"
                          w={80}
                          min={0}
                          display="inline-block"
                          value={e.perDay ?? ''}
                          onChange={(v) => set(m.userId, { perDay: typeof v === 'number' ? v : null })}
                        />
                      ) : (
                        (m.rateCap.perDay ?? '∞')
                      )}
                    </Table.Td>
                    <Table.Td>{l?.assignedThisWeek ?? 0}</Table.Td>
                    <Table.Td fz="xs" c="dimmed">
                      {[...m.regions, ...m.productLines].join(', ') || '—'}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Group align="flex-start" grow>
        <Card withBorder radius="md">
          <Text fw={600} mb={4}>
            Fairness state
          </Text>
          <Code block data-testid="pool-fairness">
            {prettyJson(pool.fairness)}
          </Code>
        </Card>
        <Card withBorder radius="md">
          <Text fw={600} mb={4}>
            Criteria caps and fallback
          </Text>
          <Code block>{prettyJson({ criteriaCaps: pool.criteriaCaps, fallback: pool.fallback })}</Code>
        </Card>
      </Group>
    </Stack>
  );
}

function AbsencesCard({ pool }: { pool: PoolDetail }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const names = new Map(pool.live.map((l) => [l.userId, l.name]));
  const absences = useQuery({ queryKey: ['absences'], queryFn: () => unwrap(api.GET('/api/v1/absences', { params: { query: {} } })) });
  const [userId, setUserId] = useState<string | null>(null);
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [reason, setReason] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/absences', {
          body: {
            userId: userId!,
            startsAt: dayjs(startsAt).format(),
            endsAt: dayjs(endsAt).format(),
            ...(reason.trim() && { reason: reason.trim() }),
          },
        }),
      ),
    onSuccess: async () => {
      setUserId(null);
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['absences'] });
      await queryClient.invalidateQueries({ queryKey: ['pool', pool.id] });
    },
  });
  const mine = (absences.data?.items ?? []).filter((a) => names.has(a.userId));
  return (
    <Card withBorder radius="md" data-testid="pool-absences">
      <Text fw={600} mb={4}>
        Absences (current and upcoming)
      </Text>
      {mine.length === 0 && (
        <Text size="sm" c="dimmed">
          Nobody in this pool is away.
        </Text>
      )}
      <Table fz="sm" verticalSpacing={2}>
        <Table.Tbody>
          {mine.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>{names.get(a.userId)}</Table.Td>
              <Table.Td>
                {formatDateTime(a.startsAt)} → {formatDateTime(a.endsAt)}
              </Table.Td>
              <Table.Td c="dimmed">{a.reason ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {hasPermission(me, 'absence.manage_any') && (
        <Group mt="sm" align="flex-end" gap="xs">
          <Select
            size="xs"
            label="Member"
            data={pool.live.map((l) => ({ value: l.userId, label: l.name }))}
            value={userId}
            onChange={setUserId}
            searchable
            w={200}
          />
          <TextInput size="xs" label="From" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.currentTarget.value)} />
          <TextInput size="xs" label="Until" type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.currentTarget.value)} />
          <TextInput size="xs" label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={160} />
          <Button size="xs" onClick={() => create.mutate()} disabled={!userId || !startsAt || !endsAt} loading={create.isPending}>
            Add absence
          </Button>
        </Group>
      )}
      {create.isError && <ErrorAlert error={create.error} title="Absence not saved" />}
    </Card>
  );
}

export function PoolsPage() {
  const [selected, setSelected] = useState<string | null>(null);
  const pools = useQuery({ queryKey: ['pools'], queryFn: () => unwrap(api.GET('/api/v1/pools')) });
  const current = selected ?? pools.data?.items[0]?.id ?? null;
  const detail = useQuery({
    queryKey: ['pool', current],
    queryFn: () => unwrap(api.GET('/api/v1/pools/{id}', { params: { path: { id: current! } } })),
    enabled: current !== null,
  });
  return (
    <Stack gap="lg" maw={1400} data-testid="pools-page">
      <div>
        <Title order={2}>Pools</Title>
        <Text c="dimmed">Who shares incoming work, with which weights and caps, and how fair the rotation has been.</Text>
      </div>
      {pools.isError && <ErrorAlert error={pools.error} />}
      <Group gap="xs">
        {pools.data?.items.map((p) => (
          <Button key={p.id} variant={p.id === current ? 'filled' : 'light'} onClick={() => setSelected(p.id)} data-testid="pool-tab">
            {p.name} · {p.members.length}
          </Button>
        ))}
      </Group>
      {detail.isError && <ErrorAlert error={detail.error} />}
      {detail.data && <PoolDetailView pool={detail.data} />}
      {detail.data && <AbsencesCard pool={detail.data} />}
    </Stack>
  );
}
