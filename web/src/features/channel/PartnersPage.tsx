import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDate } from '../../lib/format';
import { Facts } from './RegistrationsPage';
import { money, pct, type ScorecardRow } from './shared';

const yearAgo = () => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.toISOString();
};

/** Partners with tier, territory, channel manager and cap; scorecards with charts for all of them. */
export function PartnersPage() {
  const partners = useQuery({
    queryKey: ['partners'],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { limit: 200 } } })),
  });
  const from = yearAgo();
  const scorecards = useQuery({
    queryKey: ['scorecards', from.slice(0, 10)],
    queryFn: () => unwrap(api.GET('/api/v1/scorecards', { params: { query: { from } } })),
  });
  const items = scorecards.data?.items ?? [];
  return (
    <Stack>
      <Title order={2}>Partners</Title>
      {partners.error && <ErrorAlert error={partners.error} />}
      <Card withBorder padding={0}>
        <Table data-testid="partners-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Partner</Table.Th>
              <Table.Th>Tier</Table.Th>
              <Table.Th>Territory</Table.Th>
              <Table.Th>Channel manager</Table.Th>
              <Table.Th>Active / cap</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(partners.data?.items ?? []).map((p) => (
              <Table.Tr key={p.id} data-testid="partner-row">
                <Table.Td>
                  <Link to="/channel/partners/$partnerId" params={{ partnerId: p.id }}>
                    {p.name}
                  </Link>
                </Table.Td>
                <Table.Td>{p.tierName}</Table.Td>
                <Table.Td>{p.territory.join(', ')}</Table.Td>
                <Table.Td>{p.channelManager?.name ?? '—'}</Table.Td>
                <Table.Td>
                  {p.activeRegistrations} / {p.effectiveRegistrationCap}
                </Table.Td>
                <Table.Td>{p.status}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Group justify="space-between">
        <Title order={3}>Scorecards (last 12 months)</Title>
        <Button component="a" variant="light" href={`/api/v1/scorecards/csv?from=${encodeURIComponent(from)}`} data-testid="scorecards-csv">
          Download CSV
        </Button>
      </Group>
      {scorecards.error && <ErrorAlert error={scorecards.error} />}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder data-testid="chart-win-rate">
          <Text fw={600} mb="xs">
            Win rate: registered vs unregistered
          </Text>
          <BarChart
            h={240}
            dataKey="partner"
            unit="%"
            data={items.map((s) => ({
              partner: s.partnerName,
              registered: pctNum(s.winRateRegistered),
              unregistered: pctNum(s.winRateUnregistered),
            }))}
            series={[
              { name: 'registered', color: 'teal.6' },
              { name: 'unregistered', color: 'gray.5' },
            ]}
          />
        </Card>
        <Card withBorder data-testid="chart-deal-size">
          <Text fw={600} mb="xs">
            Average deal size vs territory peer median
          </Text>
          <BarChart
            h={240}
            dataKey="partner"
            data={items.map((s) => ({
              partner: s.partnerName,
              average: major(s.averageDealSizeMinor),
              peerMedian: major(s.territoryPeerMedianMinor),
            }))}
            series={[
              { name: 'average', color: 'blue.6' },
              { name: 'peerMedian', color: 'orange.5' },
            ]}
          />
        </Card>
      </SimpleGrid>
      <ScorecardTable items={items} />
    </Stack>
  );
}

const pctNum = (r: number | null) => (r === null ? 0 : Math.round(r * 100));
const major = (minor: number | null) => (minor === null ? 0 : Math.round(minor / 100));

function ScorecardTable({ items }: { items: ScorecardRow[] }) {
  return (
    <Card withBorder padding={0}>
      <Table data-testid="scorecards-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Partner</Table.Th>
            <Table.Th>Active</Table.Th>
            <Table.Th>Approval</Table.Th>
            <Table.Th>Win reg. / unreg.</Table.Th>
            <Table.Th>Avg deal / peer median</Table.Th>
            <Table.Th>Median days to close</Table.Th>
            <Table.Th>Expired share</Table.Th>
            <Table.Th>Paper partner</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((s) => (
            <Table.Tr key={s.partnerId}>
              <Table.Td>
                <Link to="/channel/partners/$partnerId" params={{ partnerId: s.partnerId }}>
                  {s.partnerName}
                </Link>
              </Table.Td>
              <Table.Td>{s.activeRegistrations}</Table.Td>
              <Table.Td>{pct(s.approvalRate)}</Table.Td>
              <Table.Td>
                {pct(s.winRateRegistered)} / {pct(s.winRateUnregistered)}
              </Table.Td>
              <Table.Td>
                {s.averageDealSizeMinor === null ? '—' : money(s.averageDealSizeMinor)} /{' '}
                {s.territoryPeerMedianMinor === null ? '—' : money(s.territoryPeerMedianMinor)}
              </Table.Td>
              <Table.Td>{s.medianRegistrationToCloseDays ?? '—'}</Table.Td>
              <Table.Td>{pct(s.expiredShare)}</Table.Td>
              <Table.Td>
                {s.paper.flagged ? (
                  <Badge color="red" data-testid="paper-flag">
                    paper
                  </Badge>
                ) : (
                  '—'
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** One partner: details, users, and its scorecard with the monthly series. */
export function PartnerDetailPage() {
  const { partnerId } = useParams({ strict: false }) as { partnerId: string };
  const from = yearAgo();
  const partner = useQuery({
    queryKey: ['partner', partnerId],
    queryFn: () => unwrap(api.GET('/api/v1/partners/{id}', { params: { path: { id: partnerId } } })),
  });
  const card = useQuery({
    queryKey: ['scorecard', partnerId, from.slice(0, 10)],
    queryFn: () => unwrap(api.GET('/api/v1/scorecards/{partnerId}', { params: { path: { partnerId }, query: { from } } })),
  });
  if (partner.error) return <ErrorAlert error={partner.error} />;
  if (!partner.data) return <Text>Loading…</Text>;
  const p = partner.data;
  const s = card.data?.scorecard;
  return (
    <Stack data-testid="partner-detail">
      <Title order={2}>{p.name}</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Facts
            rows={[
              ['Tier', p.tierName],
              ['Territory', p.territory.join(', ') || '—'],
              ['Domains', p.domains.join(', ') || '—'],
              ['Channel manager', p.channelManager?.name ?? '—'],
              ['Active registrations', `${p.activeRegistrations} of ${p.effectiveRegistrationCap}`],
              ['Status', p.status],
            ]}
          />
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">
            Portal users
          </Title>
          <Table>
            <Table.Tbody>
              {p.users.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.name}</Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{u.role.replace('_', ' ')}</Table.Td>
                  <Table.Td>{u.status}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
      {card.error && <ErrorAlert error={card.error} />}
      {s && (
        <>
          {s.paper.flagged && (
            <Alert color="red" title="Paper partner" data-testid="paper-alert">
              {s.paper.activeRegistrations} active registrations (threshold {s.paper.minActive}) and a win rate of{' '}
              {pct(s.paper.trailingWinRate)} over the last {s.paper.windowDays} days ({s.paper.trailingWon} won, {s.paper.trailingLost}{' '}
              lost; threshold below {pct(s.paper.maxWinRate)}).
            </Alert>
          )}
          <Card withBorder data-testid="scorecard-summary">
            <Facts
              rows={[
                ['Period', `${formatDate(card.data!.from)} – ${formatDate(card.data!.to)}`],
                ['Active registrations', String(s.activeRegistrations)],
                ['Approval rate', `${pct(s.approvalRate)} (${s.approved} approved, ${s.rejected} rejected)`],
                ['Win rate registered', `${pct(s.winRateRegistered)} (${s.wonRegistered} won, ${s.lostRegistered} lost)`],
                ['Win rate unregistered', `${pct(s.winRateUnregistered)} (${s.wonUnregistered} won, ${s.lostUnregistered} lost)`],
                ['Average deal size', s.averageDealSizeMinor === null ? '—' : money(s.averageDealSizeMinor)],
                [
                  'Territory peer median',
                  s.territoryPeerMedianMinor === null ? '—' : `${money(s.territoryPeerMedianMinor)} (${s.territoryPeers} peers)`,
                ],
                ['Median registration → close', s.medianRegistrationToCloseDays === null ? '—' : `${s.medianRegistrationToCloseDays} days`],
                ['Share expired', pct(s.expiredShare)],
                [
                  'Paper partner',
                  `${s.paper.flagged ? 'FLAGGED' : 'no'} — ${s.paper.activeRegistrations} active (≥ ${s.paper.minActive}), trailing win rate ${pct(s.paper.trailingWinRate)} (< ${pct(s.paper.maxWinRate)})`,
                ],
              ]}
            />
          </Card>
          <Card withBorder data-testid="chart-monthly">
            <Text fw={600} mb="xs">
              Monthly: approved, won and expired registrations
            </Text>
            <LineChart
              h={260}
              dataKey="month"
              data={card.data!.series.map((m) => ({
                month: m.month,
                approved: m.approved,
                won: m.wonRegistered,
                lost: m.lostRegistered,
                expired: m.expired,
              }))}
              series={[
                { name: 'approved', color: 'blue.6' },
                { name: 'won', color: 'teal.6' },
                { name: 'lost', color: 'gray.5' },
                { name: 'expired', color: 'orange.6' },
              ]}
            />
          </Card>
        </>
      )}
    </Stack>
  );
}
