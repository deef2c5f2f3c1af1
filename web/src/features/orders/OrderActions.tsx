import { Badge, Button, Card, Code, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import type { paths } from '../../lib/api-types';
import { useMe } from '../../lib/session';
import { statusColor } from './money';

type Order = paths['/api/v1/orders/{id}']['get']['responses'][200]['content']['application/json'];
type Release = paths['/api/v1/orders/{id}/release']['post']['responses'][200]['content']['application/json'];
type Return = paths['/api/v1/returns']['get']['responses'][200]['content']['application/json']['items'][number];

const etag = (version: number) => `"v${version}"`;
const open = (q: Order['lines'][number]['qty']) => q.ordered - q.cancelled - q.allocated - q.shipped;

/** A titled block whose failure (problem+json) is shown right under its own controls. */
function Action({ title, error, children, testId }: { title: string; error: unknown; children: ReactNode; testId: string }) {
  return (
    <Card withBorder data-testid={testId}>
      <Stack gap="xs">
        <Text fw={600}>{title}</Text>
        {children}
        {error ? <ErrorAlert error={error} title={`${title} failed`} /> : null}
      </Stack>
    </Card>
  );
}

/**
 * The journey's next steps for this order: only those its derived state allows and the user may take. Every
 * call carries the order's ETag as If-Match (a return's own ETag when receiving it), so a stale page is refused.
 */
export function OrderActions({ order: o }: { order: Order }) {
  const me = useMe();
  const has = (permission: string) => (me.permissions as string[]).includes(permission);
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([client.invalidateQueries({ queryKey: ['order', o.id] }), client.invalidateQueries({ queryKey: ['order-returns', o.id] })]);
  const headers = { 'if-match': etag(o.version) };
  const path = { id: o.id };

  const [releaseResult, setReleaseResult] = useState<Release | null>(null);
  const [shipQty, setShipQty] = useState<Record<string, number>>({});
  const [returnQty, setReturnQty] = useState<Record<string, number>>({});
  const [returnLocation, setReturnLocation] = useState<string | null>(null);
  const [returnReason, setReturnReason] = useState('');
  const [receipt, setReceipt] = useState<Record<string, { restock: number; quarantine: number; scrap: number }>>({});

  const locations = useQuery({ queryKey: ['locations'], queryFn: () => unwrap(api.GET('/api/v1/locations')) });
  const returns = useQuery({
    queryKey: ['order-returns', o.id],
    enabled: o.returns.length > 0,
    queryFn: () => unwrap(api.GET('/api/v1/returns', { params: { query: { orderId: o.id, limit: 200 } } })),
  });

  const allocate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/orders/{id}/allocate', { params: { path, header: headers } })),
    onSuccess: refresh,
  });
  const unallocate = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/orders/{id}/release-allocations', {
          params: { path, header: headers },
          body: { reason: 'released from the order page' },
        }),
      ),
    onSuccess: refresh,
  });
  const release = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/orders/{id}/release', { params: { path, header: headers } })),
    onSuccess: async (result) => {
      setReleaseResult(result);
      await refresh();
    },
  });
  const ship = useMutation({
    mutationFn: async () => {
      const byLocation = new Map<string, Array<{ allocationId: string; qty: number }>>();
      for (const a of o.allocations.filter((x) => x.status === 'active')) {
        const qty = shipQty[a.id] ?? a.qty;
        if (qty > 0) byLocation.set(a.locationId, [...(byLocation.get(a.locationId) ?? []), { allocationId: a.id, qty }]);
      }
      if (byLocation.size === 0) throw new Error('Pick at least one unit to ship.');
      let version = o.version;
      for (const lines of byLocation.values()) {
        const shipment = await unwrap(
          api.POST('/api/v1/shipments', { params: { header: { 'if-match': etag(version) } }, body: { orderId: o.id, lines } }),
        );
        await unwrap(
          api.POST('/api/v1/shipments/{id}/confirm', { params: { path: { id: shipment.id }, header: { 'if-match': etag(version) } } }),
        );
        version += 1;
      }
    },
    onSuccess: async () => {
      setShipQty({});
      await refresh();
    },
    onError: refresh,
  });
  const confirm = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/shipments/{id}/confirm', { params: { path: { id }, header: headers } })),
    onSuccess: refresh,
  });
  const invoice = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/invoices', { params: { header: headers }, body: { orderId: o.id } })),
    onSuccess: refresh,
  });
  const authorize = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/returns', {
          params: { header: headers },
          body: {
            orderId: o.id,
            locationId: returnLocation ?? '',
            reason: returnReason,
            lines: o.lines.map((l) => ({ orderLineId: l.id, qty: returnQty[l.id] ?? 0 })).filter((l) => l.qty > 0),
          },
        }),
      ),
    onSuccess: async () => {
      setReturnQty({});
      setReturnReason('');
      await refresh();
    },
  });
  const receive = useMutation({
    mutationFn: (ra: Return) =>
      unwrap(
        api.POST('/api/v1/returns/{id}/receive', {
          params: { path: { id: ra.id }, header: { 'if-match': etag(ra.version) } },
          body: {
            lines: ra.lines
              .filter((l) => l.qtyReceived < l.qtyAuthorized)
              .map((l) => ({
                returnLineId: l.id,
                ...(receipt[l.id] ?? { restock: l.qtyAuthorized - l.qtyReceived, quarantine: 0, scrap: 0 }),
              }))
              .filter((l) => l.restock + l.quarantine + l.scrap > 0),
          },
        }),
      ),
    onSuccess: async () => {
      setReceipt({});
      await refresh();
    },
  });
  const credit = useMutation({
    mutationFn: (ra: Return) =>
      unwrap(
        api.POST('/api/v1/credit-memos', {
          params: { header: headers },
          body: {
            kind: 'goods',
            orderId: o.id,
            returnId: ra.id,
            lines: ra.lines.map((l) => ({ orderLineId: l.orderLineId, qty: l.qtyReceived - l.qtyCredited })).filter((l) => l.qty > 0),
          },
        }),
      ),
    onSuccess: refresh,
  });

  const live = o.lifecycle === 'submitted' || o.lifecycle === 'released';
  const active = o.allocations.filter((a) => a.status === 'active');
  const canAllocate = live && o.lines.some((l) => open(l.qty) > 0) && has('order.write');
  const canRelease = o.lifecycle === 'submitted' && has('order.release');
  const canShip = o.lifecycle === 'released' && o.openHolds === 0 && active.length > 0 && has('order.write');
  const planned = o.shipments.filter((s) => s.status === 'planned');
  const invoiceable = o.lines.some(
    (l) => (o.invoicePolicy === 'on_order' ? l.qty.ordered - l.qty.cancelled : l.qty.shipped) - l.qty.invoiced > 0,
  );
  const canInvoice = o.lifecycle === 'released' && invoiceable && has('invoice.post');
  const returnable = o.lines.filter((l) => l.qty.shipped - l.qty.returnAuthorized > 0);
  const canAuthorize = (o.lifecycle === 'released' || o.lifecycle === 'closed') && returnable.length > 0 && has('return.manage');
  const toReceive = (returns.data?.items ?? []).filter((r) => r.status === 'authorized');
  const toCredit = (returns.data?.items ?? []).filter((r) => r.lines.some((l) => l.qtyReceived > l.qtyCredited));
  const locationName = new Map((locations.data?.items ?? []).map((l) => [l.id, l.code]));
  const nothing =
    !canAllocate &&
    !canRelease &&
    !canShip &&
    planned.length === 0 &&
    !canInvoice &&
    !canAuthorize &&
    toReceive.length === 0 &&
    toCredit.length === 0 &&
    active.length === 0;

  return (
    <Stack data-testid="order-actions">
      <Title order={4}>Next steps</Title>
      {nothing && <Text c="dimmed">Nothing for you to do on this order.</Text>}
      {canAllocate && (
        <Action title="Allocate stock" error={allocate.error} testId="action-allocate">
          <Text size="sm" c="dimmed">
            Every open quantity, all or nothing, from the channel&apos;s locations in order.
          </Text>
          <Group>
            <Button onClick={() => allocate.mutate()} loading={allocate.isPending} data-testid="allocate">
              Allocate
            </Button>
          </Group>
        </Action>
      )}
      {canRelease && (
        <Action title="Release the order" error={release.error} testId="action-release">
          <Text size="sm" c="dimmed">
            Runs the ORDER_RELEASE gates this order is pinned to; a failed gate puts a hold on it.
          </Text>
          <Group>
            <Button onClick={() => release.mutate()} loading={release.isPending} data-testid="release-order">
              Release
            </Button>
          </Group>
        </Action>
      )}
      {releaseResult && (
        <Card withBorder data-testid="release-decision">
          <Group>
            <Text fw={600}>ORDER_RELEASE decision</Text>
            <Badge color={statusColor(releaseResult.decision.outcome)} data-testid="release-outcome">
              {releaseResult.decision.outcome}
            </Badge>
            {releaseResult.order.openHolds > 0 && (
              <Badge color="red" data-testid="release-holds">
                {releaseResult.order.openHolds} hold(s) created
              </Badge>
            )}
          </Group>
          <Code block style={{ whiteSpace: 'pre-wrap' }}>
            {JSON.stringify(releaseResult.decision.rules, null, 1)}
          </Code>
          {o.holds
            .filter((h) => !h.releasedAt)
            .map((h) => (
              <Text size="sm" key={h.id}>
                Hold <b>{h.type}</b>: {h.reason}
              </Text>
            ))}
        </Card>
      )}
      {canShip && (
        <Action title="Ship" error={ship.error} testId="action-ship">
          <Text size="sm" c="dimmed">
            Quantities to ship per allocation (less than allocated ships part of it); one shipment per location, confirmed at once.
          </Text>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Line</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th>Allocated</Table.Th>
                <Table.Th>Ship</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {active.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{o.lines.find((l) => l.id === a.orderLineId)?.lineNo}</Table.Td>
                  <Table.Td>{locationName.get(a.locationId) ?? a.locationId.slice(0, 8)}</Table.Td>
                  <Table.Td>{a.qty}</Table.Td>
                  <Table.Td>
                    <NumberInput
                      w={100}
                      min={0}
                      max={a.qty}
                      allowDecimal={false}
                      value={shipQty[a.id] ?? a.qty}
                      onChange={(v) => setShipQty((s) => ({ ...s, [a.id]: Number(v) || 0 }))}
                      data-testid="ship-qty"
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group>
            <Button onClick={() => ship.mutate()} loading={ship.isPending} data-testid="ship">
              Create and confirm shipment
            </Button>
          </Group>
        </Action>
      )}
      {live && active.length > 0 && has('order.write') && (
        <Action title="Give allocations back" error={unallocate.error} testId="action-unallocate">
          <Group>
            <Button variant="default" onClick={() => unallocate.mutate()} loading={unallocate.isPending} data-testid="release-allocations">
              Release allocations
            </Button>
          </Group>
        </Action>
      )}
      {planned.length > 0 && has('order.write') && (
        <Action title="Planned shipments" error={confirm.error} testId="action-confirm">
          {planned.map((s) => (
            <Group key={s.id}>
              <Text size="sm">Shipment {s.id.slice(0, 8)}</Text>
              <Button size="xs" onClick={() => confirm.mutate(s.id)} loading={confirm.isPending} data-testid="confirm-shipment">
                Confirm
              </Button>
            </Group>
          ))}
        </Action>
      )}
      {canInvoice && (
        <Action title="Invoice" error={invoice.error} testId="action-invoice">
          <Text size="sm" c="dimmed">
            Posts everything this order&apos;s policy ({o.invoicePolicy.replace('_', ' ')}) allows to invoice now.
          </Text>
          <Group>
            <Button onClick={() => invoice.mutate()} loading={invoice.isPending} data-testid="post-invoice">
              Post invoice
            </Button>
          </Group>
        </Action>
      )}
      {canAuthorize && (
        <Action title="Authorize a return" error={authorize.error} testId="action-return">
          <Group align="end">
            <Select
              label="Receiving location"
              w={220}
              data={(locations.data?.items ?? [])
                .filter((l) => l.kind !== 'in_transit')
                .map((l) => ({ value: l.id, label: `${l.code} · ${l.name}` }))}
              value={returnLocation}
              onChange={setReturnLocation}
              data-testid="return-location"
            />
            <TextInput
              label="Reason"
              value={returnReason}
              onChange={(e) => setReturnReason(e.currentTarget.value)}
              data-testid="return-reason"
            />
          </Group>
          {returnable.map((l) => (
            <Group key={l.id}>
              <Text size="sm" w={160}>
                Line {l.lineNo} (up to {l.qty.shipped - l.qty.returnAuthorized})
              </Text>
              <NumberInput
                w={100}
                min={0}
                max={l.qty.shipped - l.qty.returnAuthorized}
                allowDecimal={false}
                value={returnQty[l.id] ?? 0}
                onChange={(v) => setReturnQty((s) => ({ ...s, [l.id]: Number(v) || 0 }))}
                data-testid="return-qty"
              />
            </Group>
          ))}
          <Group>
            <Button
              onClick={() => authorize.mutate()}
              loading={authorize.isPending}
              disabled={!returnLocation || !returnReason.trim()}
              data-testid="authorize-return"
            >
              Authorize return
            </Button>
          </Group>
        </Action>
      )}
      {has('return.manage') &&
        toReceive.map((ra) => (
          <Action key={ra.id} title={`Receive return ${ra.id.slice(0, 8)}`} error={receive.error} testId="action-receive-return">
            {ra.lines
              .filter((l) => l.qtyReceived < l.qtyAuthorized)
              .map((l) => {
                const left = l.qtyAuthorized - l.qtyReceived;
                const r = receipt[l.id] ?? { restock: left, quarantine: 0, scrap: 0 };
                const set = (key: 'restock' | 'quarantine' | 'scrap', v: number) =>
                  setReceipt((s) => ({ ...s, [l.id]: { ...r, [key]: v } }));
                return (
                  <Group key={l.id} align="end">
                    <Text size="sm" w={160}>
                      {l.sku}: {left} expected
                    </Text>
                    <NumberInput
                      label="Restock"
                      w={100}
                      min={0}
                      allowDecimal={false}
                      value={r.restock}
                      onChange={(v) => set('restock', Number(v) || 0)}
                      data-testid="receive-restock"
                    />
                    <NumberInput
                      label="Quarantine"
                      w={100}
                      min={0}
                      allowDecimal={false}
                      value={r.quarantine}
                      onChange={(v) => set('quarantine', Number(v) || 0)}
                      data-testid="receive-quarantine"
                    />
                    <NumberInput
                      label="Scrap"
                      w={100}
                      min={0}
                      allowDecimal={false}
                      value={r.scrap}
                      onChange={(v) => set('scrap', Number(v) || 0)}
                      data-testid="receive-scrap"
                    />
                  </Group>
                );
              })}
            <Group>
              <Button onClick={() => receive.mutate(ra)} loading={receive.isPending} data-testid="receive-return">
                Receive
              </Button>
            </Group>
          </Action>
        ))}
      {has('credit.goods') &&
        toCredit.map((ra) => (
          <Action key={ra.id} title={`Credit return ${ra.id.slice(0, 8)}`} error={credit.error} testId="action-credit">
            <Text size="sm">
              {ra.lines
                .filter((l) => l.qtyReceived > l.qtyCredited)
                .map((l) => `${l.sku}: ${l.qtyReceived - l.qtyCredited} received, not credited`)
                .join(' · ')}
            </Text>
            <Group>
              <Button onClick={() => credit.mutate(ra)} loading={credit.isPending} data-testid="post-credit">
                Post goods credit memo
              </Button>
            </Group>
          </Action>
        ))}
    </Stack>
  );
}
