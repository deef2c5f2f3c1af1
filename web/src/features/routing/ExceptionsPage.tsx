import '@mantine/charts/styles.css';
import '@mantine/dates/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { DatePickerInput, type DatesRangeValue } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDate, formatDateTime } from '../../lib/format';
import { StatCard } from './shared';

const CATEGORIES = ['override', 'escalation', 'breach', 'unassigned', 'catch_all'] as const;
const COLORS = { override: 'grape.6', escalation: 'orange.6', breach: 'red.6', unassigned: 'gray.6', catch_all: 'yellow.6' } as const;
const label = (c: string) => c.replace('_', '-');

export function ExceptionsPage() {
  const [range, setRange] = useState<DatesRangeValue<string | null>>([
    dayjs().subtract(6, 'day').format('YYYY-MM-DD'),
    dayjs().format('YYYY-MM-DD'),
  ]);
  const [fromDay, toDay] = range;
  const period =
    fromDay && toDay ? { from: dayjs(fromDay).startOf('day').format(), to: dayjs(toDay).add(1, 'day').startOf('day').format() } : null;
  const report = useQuery({
    queryKey: ['exception-report', period],
    queryFn: () => unwrap(api.GET('/api/v1/reports/routing-exceptions', { params: { query: period! } })),
    enabled: period !== null,
  });
  const weekly = useQuery({
    queryKey: ['exception-report', 'weekly'],
    queryFn: () => unwrap(api.GET('/api/v1/reports/routing-exceptions/weekly')),
  });
  const csvHref = period ? `/api/v1/reports/routing-exceptions/csv?${new URLSearchParams(period).toString()}` : undefined;
  const data = report.data;
  return (
    <Stack gap="lg" maw={1400} data-testid="exceptions-page">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Routing exceptions</Title>
          <Text c="dimmed">Overrides, escalations, breaches, unassigned records and catch-all hits for a period.</Text>
        </div>
        <Group align="flex-end">
          <DatePickerInput
            type="range"
            label="Period"
            value={range}
            onChange={setRange}
            valueFormat="D MMM YYYY"
            w={260}
            data-testid="exceptions-period"
          />
          <Button component="a" href={csvHref} variant="light" disabled={!csvHref} data-testid="exceptions-csv">
            Download CSV
          </Button>
        </Group>
      </Group>
      {report.isError && <ErrorAlert error={report.error} />}
      {data && (
        <>
          <SimpleGrid cols={{ base: 2, md: 6 }}>
            <StatCard label="Total" value={data.totals.total} testId="exceptions-total" />
            {CATEGORIES.map((c) => (
              <StatCard key={c} label={label(c)} value={data.totals[c]} />
            ))}
          </SimpleGrid>
          <Card withBorder radius="md" data-testid="exceptions-chart">
            <Text fw={600} mb="xs">
              By team
            </Text>
            <BarChart
              h={260}
              type="stacked"
              data={data.byTeam.map((t) => ({
                team: t.teamName ?? 'No team',
                ...Object.fromEntries(CATEGORIES.map((c) => [label(c), t[c]])),
              }))}
              dataKey="team"
              series={CATEGORIES.map((c) => ({ name: label(c), color: COLORS[c] }))}
              withLegend
            />
          </Card>
          <SimpleGrid cols={{ base: 1, xl: 2 }}>
            <CountsTable
              title="By team"
              testId="exceptions-by-team"
              rows={data.byTeam.map((t) => ({ key: t.teamId ?? 'none', name: t.teamName ?? 'No team', counts: t }))}
            />
            <CountsTable
              title="By rule"
              testId="exceptions-by-rule"
              rows={data.byRule.map((r, i) => ({
                key: `${r.rulesetId ?? ''}${r.ruleId ?? ''}${i}`,
                name: r.ruleName ?? '(no rule)',
                counts: r,
              }))}
            />
          </SimpleGrid>
        </>
      )}
      <Card withBorder radius="md">
        <Text fw={600} mb="xs">
          Weekly reports
        </Text>
        {weekly.data?.items.length === 0 && (
          <Text c="dimmed" size="sm">
            None stored yet; one is generated every Monday.
          </Text>
        )}
        <Table fz="sm" data-testid="weekly-reports">
          <Table.Tbody>
            {weekly.data?.items.map((w) => (
              <Table.Tr key={w.id}>
                <Table.Td>
                  {formatDate(w.from)} – {formatDate(w.to)}
                </Table.Td>
                <Table.Td>{w.totals.total} exceptions</Table.Td>
                <Table.Td c="dimmed">generated {formatDateTime(w.generatedAt)}</Table.Td>
                <Table.Td>
                  <Anchor href={`/api/v1/reports/routing-exceptions/csv?${new URLSearchParams({ from: w.from, to: w.to }).toString()}`}>
                    CSV
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

type Counts = Record<(typeof CATEGORIES)[number] | 'total', number>;
function CountsTable({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: Array<{ key: string; name: string; counts: Counts }>;
  testId: string;
}) {
  return (
    <Card withBorder radius="md" p={0}>
      <Text fw={600} p="sm">
        {title}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table fz="sm" verticalSpacing={4} data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              {CATEGORIES.map((c) => (
                <Table.Th key={c}>{label(c)}</Table.Th>
              ))}
              <Table.Th>Total</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.key}>
                <Table.Td miw={180}>{r.name}</Table.Td>
                {CATEGORIES.map((c) => (
                  <Table.Td key={c}>{r.counts[c]}</Table.Td>
                ))}
                <Table.Td fw={600}>{r.counts.total}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
