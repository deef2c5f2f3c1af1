import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { money, pct } from './money';

/** Order KPIs: cycle time per channel, exceptions, holds, margin, inventory accuracy, returns, adoption. */
export function OrderKpisPage() {
  const kpis = useQuery({ queryKey: ['order-kpis'], queryFn: () => unwrap(api.GET('/api/v1/kpis/orders')) });
  if (kpis.error) return <ErrorAlert error={kpis.error} />;
  const k = kpis.data;
  if (!k) return <Text>Loading…</Text>;
  const exceptionRows = Object.values(
    k.exceptionRate.reduce<Record<string, Record<string, number | string>>>((acc, r) => {
      acc[r.channel] = { ...(acc[r.channel] ?? { channel: r.channel }), [r.controlPoint]: Math.round(r.rate * 1000) / 10 };
      return acc;
    }, {}),
  );
  const controlPoints = [...new Set(k.exceptionRate.map((r) => r.controlPoint))];
  const palette = ['red.6', 'orange.6', 'yellow.6', 'grape.6', 'cyan.6', 'blue.6'];
  return (
    <Stack data-testid="order-kpis">
      <Group justify="space-between">
        <Title order={2}>Order KPIs</Title>
        <Anchor href="/api/v1/kpis/orders/csv" data-testid="kpi-csv">
          Download CSV
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Spread of channel medians
          </Text>
          <Text fw={700}>{k.cycleTime.spreadOfMediansHours ?? '—'} h</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Standard path
          </Text>
          <Text fw={700}>{pct(k.adoption.standardShare)}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Overrides
          </Text>
          <Text fw={700}>{pct(k.adoption.overrideShare)}</Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed">
            Returns turnaround (p50)
          </Text>
          <Text fw={700}>{k.returnsTurnaround.p50Hours ?? '—'} h</Text>
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Text fw={600} mb="sm">
            Cycle time released → shipped (hours)
          </Text>
          <BarChart
            h={260}
            data={k.cycleTime.byChannel.map((c) => ({ channel: c.channel, p50: c.p50Hours ?? 0, p90: c.p90Hours ?? 0 }))}
            dataKey="channel"
            series={[
              { name: 'p50', color: 'blue.6' },
              { name: 'p90', color: 'indigo.3' },
            ]}
          />
        </Card>
        <Card withBorder>
          <Text fw={600} mb="sm">
            Exception rate by control point (% of orders)
          </Text>
          <BarChart
            h={260}
            data={exceptionRows}
            dataKey="channel"
            type="stacked"
            series={controlPoints.map((cp, i) => ({ name: cp, color: palette[i % palette.length]! }))}
          />
        </Card>
        <Card withBorder>
          <Text fw={600} mb="sm">
            Margin by channel
          </Text>
          <BarChart
            h={260}
            data={k.marginByChannel.map((m) => ({ channel: m.channel, margin: m.marginMinor / 100, net: m.netMinor / 100 }))}
            dataKey="channel"
            series={[
              { name: 'net', color: 'gray.4' },
              { name: 'margin', color: 'teal.6' },
            ]}
            valueFormatter={(v) => money(v * 100)}
          />
        </Card>
        <Card withBorder>
          <Text fw={600} mb="sm">
            Hold rate by channel (%)
          </Text>
          <BarChart
            h={260}
            data={k.holds.map((h) => ({ channel: h.channel, holdRate: Math.round(h.holdRate * 1000) / 10 }))}
            dataKey="channel"
            series={[{ name: 'holdRate', color: 'red.5' }]}
          />
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Text fw={600}>Inventory accuracy (cycle counts)</Text>
        {k.inventoryAccuracy.map((a) => (
          <Text size="sm" key={a.location}>
            {a.location}: {a.accuracy === null ? '—' : pct(a.accuracy)}
          </Text>
        ))}
      </Card>
    </Stack>
  );
}
