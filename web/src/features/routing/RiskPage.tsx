import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, SimpleGrid, Stack, Table, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { formatMinutes, RecordLink, StateBadge, StatCard, STATE_COLORS } from './shared';

function RiskTab() {
  const risk = useQuery({
    queryKey: ['risk'],
    queryFn: () => unwrap(api.GET('/api/v1/queues/risk', { params: { query: { limit: 200 } } })),
    refetchInterval: 60_000,
  });
  if (risk.isError) return <ErrorAlert error={risk.error} />;
  if (!risk.data) return <Text c="dimmed">Loading…</Text>;
  const { totals, items, breachesByTeam, loadByOwner } = risk.data;
  const teams = breachesByTeam.map((t) => ({ team: t.teamName ?? 'No team', Breached: t.breached, 'Due soon': t.dueSoon }));
  const load = [...loadByOwner]
    .sort((a, b) => b.open - a.open)
    .slice(0, 25)
    .map((o) => ({ owner: o.ownerName, Open: o.open, 'WIP cap': o.wipCap ?? undefined }));
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <StatCard label="Open" value={totals.open} testId="risk-open" />
        <StatCard label="Breached" value={totals.breached} color={totals.breached ? 'red' : undefined} testId="risk-breached" />
        <StatCard label="Due soon" value={totals.dueSoon} color={totals.dueSoon ? 'orange' : undefined} testId="risk-due-soon" />
        <StatCard label="Unassigned" value={totals.unassigned} testId="risk-unassigned" />
        <StatCard
          label="Owners over cap"
          value={totals.overCapacityOwners}
          color={totals.overCapacityOwners ? 'red' : undefined}
          testId="risk-over-cap"
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder radius="md" data-testid="chart-breaches-by-team">
          <Text fw={600} mb="xs">
            Breaches by team
          </Text>
          <BarChart
            h={280}
            data={teams}
            dataKey="team"
            type="stacked"
            series={[
              { name: 'Breached', color: 'red.6' },
              { name: 'Due soon', color: 'orange.4' },
            ]}
            xAxisProps={{ interval: 0, fontSize: 11 }}
            withLegend
          />
        </Card>
        <Card withBorder radius="md" data-testid="chart-load-by-owner">
          <Text fw={600} mb="xs">
            Open work per owner vs WIP cap
          </Text>
          <BarChart
            h={280}
            data={load}
            dataKey="owner"
            series={[
              { name: 'Open', color: 'blue.6' },
              { name: 'WIP cap', color: 'gray.4' },
            ]}
            xAxisProps={{ interval: 0, angle: -35, textAnchor: 'end', height: 80, fontSize: 10 }}
            withLegend
          />
        </Card>
      </SimpleGrid>
      <Card withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={1000}>
          <Table verticalSpacing="xs" highlightOnHover data-testid="risk-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={130}>Time to breach</Table.Th>
                <Table.Th>Record</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th w={130}>State</Table.Th>
                <Table.Th>Next escalation</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr
                  key={item.assignmentId}
                  data-testid="risk-row"
                  data-state={item.state}
                  style={{ borderLeft: `4px solid var(--mantine-color-${STATE_COLORS[item.state]}-6)` }}
                >
                  <Table.Td fw={600} c={STATE_COLORS[item.state]}>
                    <Tooltip label={`due ${formatDateTime(item.dueAt)}`}>
                      <span>
                        {item.minutesToBreach < 0 ? `${formatMinutes(-item.minutesToBreach)} late` : formatMinutes(item.minutesToBreach)}
                      </span>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="outline" size="xs" mr={6}>
                      {item.recordType}
                    </Badge>
                    <RecordLink type={item.recordType} id={item.recordId}>
                      {item.title}
                    </RecordLink>
                  </Table.Td>
                  <Table.Td fz="sm">{item.ownerName}</Table.Td>
                  <Table.Td fz="sm">{item.teamName ?? '—'}</Table.Td>
                  <Table.Td fz="sm">{item.priority}</Table.Td>
                  <Table.Td>
                    <StateBadge state={item.state} />
                  </Table.Td>
                  <Table.Td fz="sm">
                    {item.nextEscalation
                      ? `${item.nextEscalation.action.replace(/_/g, ' ')} · ${formatDateTime(item.nextEscalation.at)}`
                      : '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}

function UnassignedTab() {
  const unassigned = useQuery({
    queryKey: ['unassigned'],
    queryFn: () => unwrap(api.GET('/api/v1/queues/unassigned', { params: { query: { limit: 200 } } })),
  });
  if (unassigned.isError) return <ErrorAlert error={unassigned.error} />;
  if (!unassigned.data) return <Text c="dimmed">Loading…</Text>;
  return (
    <Stack gap="md" data-testid="unassigned-queue">
      <Group gap="xs">
        {unassigned.data.byReason.map((r) => (
          <Badge key={r.reasonCode} variant="light" color="red" size="lg" tt="none">
            {r.reasonCode.replace(/_/g, ' ')}: {r.count}
          </Badge>
        ))}
      </Group>
      <Card withBorder radius="md" p={0}>
        <Table verticalSpacing="xs" data-testid="unassigned-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Record</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Since</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {unassigned.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={3}>
                  <Text c="dimmed" ta="center">
                    Every record has an owner.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {unassigned.data.items.map((item) => (
              <Table.Tr key={`${item.recordType}:${item.recordId}`} data-testid="unassigned-row">
                <Table.Td>
                  <Badge variant="outline" size="xs" mr={6}>
                    {item.recordType}
                  </Badge>
                  <RecordLink type={item.recordType} id={item.recordId}>
                    {item.title}
                  </RecordLink>
                </Table.Td>
                <Table.Td fz="sm">
                  <Badge size="xs" color="red" variant="light" mr={6}>
                    {item.reasonCode}
                  </Badge>
                  {item.reason}
                </Table.Td>
                <Table.Td fz="sm">{formatDateTime(item.since)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

export function RiskPage() {
  return (
    <Stack gap="lg" maw={1400} data-testid="risk-page">
      <div>
        <Title order={2}>Risk queue</Title>
        <Text c="dimmed">Open work by time to breach, where the team is overloaded, and what has no owner.</Text>
      </div>
      <Tabs defaultValue="risk">
        <Tabs.List>
          <Tabs.Tab value="risk">At risk</Tabs.Tab>
          <Tabs.Tab value="unassigned" data-testid="tab-unassigned">
            Unassigned
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="risk" pt="md">
          <RiskTab />
        </Tabs.Panel>
        <Tabs.Panel value="unassigned" pt="md">
          <UnassignedTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
