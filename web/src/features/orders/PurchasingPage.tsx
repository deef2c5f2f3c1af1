import { Badge, Button, Card, Group, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import type { paths } from '../../lib/api-types';
import { formatDateTime } from '../../lib/format';
import { useMe } from '../../lib/session';
import { money } from './money';

type PurchaseOrder = paths['/api/v1/purchase-orders']['get']['responses'][200]['content']['application/json']['items'][number];
type Transfer = paths['/api/v1/transfers']['get']['responses'][200]['content']['application/json']['items'][number];
type PoStatus = 'pending_approval' | 'ordered' | 'received' | 'cancelled';
type TransferStatus = 'shipped' | 'partially_received' | 'received';

const COLORS: Record<string, string> = {
  pending_approval: 'yellow',
  ordered: 'blue',
  received: 'green',
  cancelled: 'gray',
  shipped: 'cyan',
  partially_received: 'orange',
};
const etag = (version: number) => `"v${version}"`;

function Pager({
  cursor,
  next,
  onChange,
}: {
  cursor: string | undefined;
  next: string | null | undefined;
  onChange: (cursor: string | undefined) => void;
}) {
  return (
    <Group>
      {cursor && (
        <Button variant="default" size="xs" onClick={() => onChange(undefined)}>
          First page
        </Button>
      )}
      {next && (
        <Button variant="default" size="xs" onClick={() => onChange(next)}>
          Next page
        </Button>
      )}
    </Group>
  );
}

/** Quantity inputs for what is still expected on each line; receives the chosen quantities in one call. */
function ReceiveLines({
  lines,
  onReceive,
  pending,
  testId,
}: {
  lines: Array<{ id: string; sku: string; expected: number }>;
  onReceive: (lines: Array<{ lineId: string; qty: number }>) => void;
  pending: boolean;
  testId: string;
}) {
  const [qty, setQty] = useState<Record<string, number>>({});
  const chosen = lines.map((l) => ({ lineId: l.id, qty: qty[l.id] ?? l.expected })).filter((l) => l.qty > 0);
  return (
    <Group gap="xs">
      {lines.map((l) => (
        <NumberInput
          key={l.id}
          size="xs"
          w={110}
          label={l.sku}
          min={0}
          max={l.expected}
          allowDecimal={false}
          value={qty[l.id] ?? l.expected}
          onChange={(v) => setQty((s) => ({ ...s, [l.id]: Number(v) || 0 }))}
        />
      ))}
      <Button size="xs" mt="lg" disabled={chosen.length === 0} loading={pending} onClick={() => onReceive(chosen)} data-testid={testId}>
        Receive
      </Button>
    </Group>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={3}>{title}</Title>
      {children}
    </Stack>
  );
}

/** Purchasing and transfers: purchase orders with their approval state (approve, receive goods) and branch transfers (receive). */
export function PurchasingPage() {
  const me = useMe();
  const has = (permission: string) => (me.permissions as string[]).includes(permission);
  const client = useQueryClient();
  const [poStatus, setPoStatus] = useState<PoStatus | null>(null);
  const [poCursor, setPoCursor] = useState<string | undefined>(undefined);
  const [transferStatus, setTransferStatus] = useState<TransferStatus | null>(null);
  const [transferCursor, setTransferCursor] = useState<string | undefined>(undefined);
  const locations = useQuery({ queryKey: ['locations'], queryFn: () => unwrap(api.GET('/api/v1/locations')) });
  const pos = useQuery({
    queryKey: ['purchase-orders', poStatus, poCursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/purchase-orders', {
          params: { query: { limit: 50, ...(poStatus && { status: poStatus }), ...(poCursor && { cursor: poCursor }) } },
        }),
      ),
  });
  const transfers = useQuery({
    queryKey: ['transfers', transferStatus, transferCursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/transfers', {
          params: {
            query: { limit: 50, ...(transferStatus && { status: transferStatus }), ...(transferCursor && { cursor: transferCursor }) },
          },
        }),
      ),
  });
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['purchase-orders'] }),
      client.invalidateQueries({ queryKey: ['transfers'] }),
      client.invalidateQueries({ queryKey: ['stock'] }),
    ]);
  const approve = useMutation({
    mutationFn: (po: PurchaseOrder) =>
      unwrap(
        api.POST('/api/v1/purchase-orders/{id}/approve', { params: { path: { id: po.id }, header: { 'if-match': etag(po.version) } } }),
      ),
    onSuccess: refresh,
  });
  const receiveGoods = useMutation({
    mutationFn: (input: { po: PurchaseOrder; lines: Array<{ lineId: string; qty: number }> }) =>
      unwrap(api.POST('/api/v1/receipts', { body: { purchaseOrderId: input.po.id, lines: input.lines } })),
    onSuccess: refresh,
  });
  const receiveTransfer = useMutation({
    mutationFn: (input: { transfer: Transfer; lines: Array<{ lineId: string; qty: number }> }) =>
      unwrap(api.POST('/api/v1/transfers/{id}/receive', { params: { path: { id: input.transfer.id } }, body: { lines: input.lines } })),
    onSuccess: refresh,
  });
  const locationCode = new Map((locations.data?.items ?? []).map((l) => [l.id, l.code]));
  const where = (id: string) => locationCode.get(id) ?? id.slice(0, 8);
  return (
    <Stack data-testid="purchasing-page">
      <Title order={2}>Purchasing and transfers</Title>
      <Section title="Purchase orders">
        <Select
          placeholder="Any status"
          clearable
          w={220}
          data={[
            { value: 'pending_approval', label: 'pending approval' },
            { value: 'ordered', label: 'ordered' },
            { value: 'received', label: 'received' },
            { value: 'cancelled', label: 'cancelled' },
          ]}
          value={poStatus}
          onChange={(v) => {
            setPoStatus(v as PoStatus | null);
            setPoCursor(undefined);
          }}
          data-testid="po-status-filter"
        />
        {pos.error && <ErrorAlert error={pos.error} />}
        {approve.error && <ErrorAlert error={approve.error} title="Approval failed" />}
        {receiveGoods.error && <ErrorAlert error={receiveGoods.error} title="Goods receipt failed" />}
        <Card withBorder padding={0}>
          <Table data-testid="purchase-orders-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Raised</Table.Th>
                <Table.Th>Supplier</Table.Th>
                <Table.Th>Receiving at</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Total</Table.Th>
                <Table.Th>Lines (received / ordered)</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(pos.data?.items ?? []).map((po) => {
                const open = po.lines.filter((l) => l.qtyReceived < l.qtyOrdered);
                return (
                  <Table.Tr key={po.id} data-testid="po-row">
                    <Table.Td>{formatDateTime(po.createdAt)}</Table.Td>
                    <Table.Td>{po.supplier}</Table.Td>
                    <Table.Td>{where(po.locationId)}</Table.Td>
                    <Table.Td>
                      <Badge color={COLORS[po.status] ?? 'gray'} data-testid="po-status">
                        {po.status.replace(/_/g, ' ')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{money(po.totalMinor)}</Table.Td>
                    <Table.Td>
                      {po.lines.map((l) => (
                        <Text size="sm" key={l.id}>
                          {l.sku}: {l.qtyReceived} / {l.qtyOrdered} at {money(l.unitCostMinor)}
                        </Text>
                      ))}
                    </Table.Td>
                    <Table.Td>
                      {po.status === 'pending_approval' && has('purchase.approve') && (
                        <Button size="xs" loading={approve.isPending} onClick={() => approve.mutate(po)} data-testid="approve-po">
                          Approve
                        </Button>
                      )}
                      {po.status === 'pending_approval' && !has('purchase.approve') && (
                        <Text size="xs" c="dimmed">
                          waiting for purchase approval
                        </Text>
                      )}
                      {po.status === 'ordered' && has('stock.manage') && open.length > 0 && (
                        <ReceiveLines
                          lines={open.map((l) => ({ id: l.id, sku: l.sku, expected: l.qtyOrdered - l.qtyReceived }))}
                          pending={receiveGoods.isPending}
                          onReceive={(lines) => receiveGoods.mutate({ po, lines })}
                          testId="receive-po"
                        />
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Card>
        <Pager cursor={poCursor} next={pos.data?.nextCursor} onChange={setPoCursor} />
      </Section>
      <Section title="Branch transfers">
        <Select
          placeholder="Any status"
          clearable
          w={220}
          data={[
            { value: 'shipped', label: 'shipped' },
            { value: 'partially_received', label: 'partially received' },
            { value: 'received', label: 'received' },
          ]}
          value={transferStatus}
          onChange={(v) => {
            setTransferStatus(v as TransferStatus | null);
            setTransferCursor(undefined);
          }}
        />
        {transfers.error && <ErrorAlert error={transfers.error} />}
        {receiveTransfer.error && <ErrorAlert error={receiveTransfer.error} title="Transfer receipt failed" />}
        <Card withBorder padding={0}>
          <Table data-testid="transfers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Shipped</Table.Th>
                <Table.Th>From → to</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Lines (received / shipped)</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(transfers.data?.items ?? []).length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed">No transfers.</Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {(transfers.data?.items ?? []).map((t) => {
                const open = t.lines.filter((l) => l.qtyReceived < l.qtyShipped);
                return (
                  <Table.Tr key={t.id} data-testid="transfer-row">
                    <Table.Td>{formatDateTime(t.createdAt)}</Table.Td>
                    <Table.Td>
                      {where(t.fromLocationId)} → {where(t.toLocationId)}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={COLORS[t.status] ?? 'gray'}>{t.status.replace(/_/g, ' ')}</Badge>
                    </Table.Td>
                    <Table.Td>
                      {t.lines.map((l) => (
                        <Text size="sm" key={l.id}>
                          {l.sku}: {l.qtyReceived} / {l.qtyShipped}
                        </Text>
                      ))}
                    </Table.Td>
                    <Table.Td>
                      {open.length > 0 && has('stock.manage') && (
                        <ReceiveLines
                          lines={open.map((l) => ({ id: l.id, sku: l.sku, expected: l.qtyShipped - l.qtyReceived }))}
                          pending={receiveTransfer.isPending}
                          onReceive={(lines) => receiveTransfer.mutate({ transfer: t, lines })}
                          testId="receive-transfer"
                        />
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Card>
        <Pager cursor={transferCursor} next={transfers.data?.nextCursor} onChange={setTransferCursor} />
      </Section>
    </Stack>
  );
}
