import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { useMe } from '../../lib/session';
import { REASON_CODES, type RecordType } from './catalog';
import { ExplanationView, explanationFrom } from './Explanation';
import { hasPermission, StateBadge, useUserNames } from './shared';

async function fetchRecord(type: RecordType, id: string): Promise<Record<string, unknown>> {
  const params = { params: { path: { id } } };
  if (type === 'lead') return unwrap(api.GET('/api/v1/leads/{id}', params));
  if (type === 'account') return unwrap(api.GET('/api/v1/accounts/{id}', params));
  return unwrap(api.GET('/api/v1/opportunities/{id}', params));
}

const HIDDEN = new Set(['id', 'attributes', 'ownerId', 'currentAssignmentId', 'version']);
const display = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function ReassignDialog({ type, id, opened, onClose }: { type: RecordType; id: string; opened: boolean; onClose: () => void }) {
  const { users } = useUserNames();
  const queryClient = useQueryClient();
  const [toUserId, setToUserId] = useState<string | null>(null);
  const [reasonCode, setReasonCode] = useState<string | null>('workload');
  const [reason, setReason] = useState('');
  const [dueAt, setDueAt] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const reassign = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/records/{type}/{id}/reassign', {
          params: { path: { type, id } },
          body: {
            toUserId: toUserId!,
            reasonCode: reasonCode as (typeof REASON_CODES)[number],
            reason,
            ...(dueAt && { dueAt: dayjs(dueAt).format() }),
          },
        }),
      ),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['ownership', type, id] });
      await queryClient.invalidateQueries({ queryKey: ['record', type, id] });
      setOutcome(result.status === 'reassigned' ? 'Reassigned.' : `Waiting for approval: ${result.approvalReason}`);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Reassign (override)" size="lg">
      <Stack>
        <Select
          label="New owner"
          searchable
          data={users
            .filter((u) => u.active && !u.role.startsWith('partner') && u.role !== 'integration')
            .map((u) => ({ value: u.id, label: u.name }))}
          value={toUserId}
          onChange={setToUserId}
          data-testid="reassign-user"
        />
        <Select
          label="Reason code"
          data={REASON_CODES.map((c) => ({ value: c, label: c.replace(/_/g, ' ') }))}
          value={reasonCode}
          onChange={setReasonCode}
          allowDeselect={false}
          data-testid="reassign-code"
        />
        <Textarea
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          autosize
          minRows={2}
          data-testid="reassign-reason"
        />
        <TextInput
          label="Due (optional)"
          type="datetime-local"
          value={dueAt}
          onChange={(e) => setDueAt(e.currentTarget.value)}
          data-testid="reassign-due"
        />
        {reassign.isError && <ErrorAlert error={reassign.error} title="Could not reassign" />}
        {outcome && (
          <Alert color="green" data-testid="reassign-outcome">
            {outcome}
          </Alert>
        )}
        <Button
          onClick={() => reassign.mutate()}
          disabled={!toUserId || !reason.trim()}
          loading={reassign.isPending}
          data-testid="reassign-submit"
        >
          Reassign
        </Button>
      </Stack>
    </Modal>
  );
}

export function RecordPage() {
  const { type, id } = useParams({ strict: false }) as { type: RecordType; id: string };
  const me = useMe();
  const { nameOf } = useUserNames();
  const [reassigning, setReassigning] = useState(false);
  const record = useQuery({ queryKey: ['record', type, id], queryFn: () => fetchRecord(type, id) });
  const timeline = useQuery({
    queryKey: ['ownership', type, id],
    queryFn: () => unwrap(api.GET('/api/v1/records/{type}/{id}/ownership', { params: { path: { type, id } } })),
  });
  const current = timeline.data?.assignments.find((a) => a.closedAt === null) ?? timeline.data?.assignments[0];
  const explanation = current
    ? explanationFrom(current.explanation, current.ownerId)
    : timeline.data?.unassigned
      ? explanationFrom(timeline.data.unassigned.explanation, null)
      : null;

  return (
    <Stack gap="lg" maw={1300} data-testid="record-page">
      {record.isError && <ErrorAlert error={record.error} />}
      <Group justify="space-between">
        <div>
          <Group gap="xs">
            <Badge variant="outline">{type}</Badge>
            <Title order={2} data-testid="record-title">
              {record.data ? display(record.data.name) : '…'}
            </Title>
          </Group>
          <Text c="dimmed" data-testid="record-owner">
            Owner: <b>{timeline.data ? nameOf(timeline.data.ownerId) : '…'}</b>
          </Text>
        </div>
        <Group>
          {type === 'account' && hasPermission(me, 'partner.read') && (
            <Link to="/channel/accounts/$accountId" params={{ accountId: id }} data-testid="account-channel-link">
              Channel view
            </Link>
          )}
          {hasPermission(me, 'assignment.override') && (
            <Button variant="light" onClick={() => setReassigning(true)} data-testid="reassign">
              Reassign…
            </Button>
          )}
        </Group>
      </Group>
      {timeline.data?.pendingOverride && (
        <Alert color="yellow" data-testid="pending-override">
          Reassignment to {nameOf(timeline.data.pendingOverride.toUserId)} is waiting for approval ({timeline.data.pendingOverride.reason}).
        </Alert>
      )}
      <Tabs defaultValue="why">
        <Tabs.List>
          <Tabs.Tab value="why" data-testid="tab-why">
            Why this owner?
          </Tabs.Tab>
          <Tabs.Tab value="timeline" data-testid="tab-timeline">
            Ownership timeline
          </Tabs.Tab>
          <Tabs.Tab value="fields">Fields</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="why" pt="md">
          {timeline.isError && <ErrorAlert error={timeline.error} />}
          {current && (
            <Text size="sm" mb="sm" data-testid="why-reason">
              {current.reason}{' '}
              <Badge size="xs" variant="light">
                {current.source}
              </Badge>
            </Text>
          )}
          {timeline.data?.unassigned && (
            <Alert color="red" mb="sm">
              Unassigned since {formatDateTime(timeline.data.unassigned.since)}: {timeline.data.unassigned.reason}
            </Alert>
          )}
          {explanation ? (
            <ExplanationView explanation={explanation} />
          ) : (
            timeline.data && <Text c="dimmed">No routing explanation stored for this record.</Text>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="timeline" pt="md">
          <Timeline active={0} bulletSize={18} lineWidth={2} data-testid="ownership-timeline">
            {timeline.data?.assignments.map((a) => (
              <Timeline.Item key={a.id} title={`${a.ownerName} · ${a.source}`} data-testid="timeline-item">
                <Text size="sm">{a.reason}</Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(a.createdAt)} by {a.actorLabel} · due {formatDateTime(a.dueAt)}
                  {a.acknowledgedAt && ` · acknowledged ${formatDateTime(a.acknowledgedAt)}`}
                  {a.closedAt && ` · closed ${formatDateTime(a.closedAt)} (${a.closedReason ?? ''})`}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Tabs.Panel>
        <Tabs.Panel value="fields" pt="md">
          <Card withBorder radius="md">
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Table fz="sm" verticalSpacing={4}>
                <Table.Tbody>
                  {record.data &&
                    Object.entries(record.data)
                      .filter(([k]) => !HIDDEN.has(k))
                      .map(([k, v]) => (
                        <Table.Tr key={k}>
                          <Table.Td c="dimmed" w={160}>
                            {k}
                          </Table.Td>
                          <Table.Td>{display(v)}</Table.Td>
                        </Table.Tr>
                      ))}
                </Table.Tbody>
              </Table>
              <Table fz="sm" verticalSpacing={4}>
                <Table.Tbody>
                  {record.data &&
                    Object.entries((record.data.attributes as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => (
                      <Table.Tr key={k}>
                        <Table.Td c="dimmed" w={160}>
                          attributes.{k}
                        </Table.Td>
                        <Table.Td>{display(v)}</Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </SimpleGrid>
          </Card>
        </Tabs.Panel>
      </Tabs>
      <ReassignDialog type={type} id={id} opened={reassigning} onClose={() => setReassigning(false)} />
    </Stack>
  );
}

export function OverridesPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected'>('pending');
  const [deciding, setDeciding] = useState<{ id: string; decision: 'approve' | 'reject' } | null>(null);
  const [reason, setReason] = useState('');
  const requests = useQuery({
    queryKey: ['override-requests', status],
    queryFn: () => unwrap(api.GET('/api/v1/override-requests', { params: { query: { status } } })),
  });
  const decide = useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'reject' }) =>
      decision === 'approve'
        ? unwrap(api.POST('/api/v1/override-requests/{id}/approve', { params: { path: { id } }, body: { reason } }))
        : unwrap(api.POST('/api/v1/override-requests/{id}/reject', { params: { path: { id } }, body: { reason } })),
    onSuccess: async () => {
      setDeciding(null);
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['override-requests'] });
    },
  });
  const canDecide = hasPermission(me, 'override.approve');
  return (
    <Stack gap="lg" maw={1300} data-testid="overrides-page">
      <div>
        <Title order={2}>Override requests</Title>
        <Text c="dimmed">Manual reassignments that need a second pair of eyes.</Text>
      </div>
      <Tabs value={status} onChange={(v) => setStatus(v as typeof status)}>
        <Tabs.List>
          <Tabs.Tab value="pending">Pending</Tabs.Tab>
          <Tabs.Tab value="approved">Approved</Tabs.Tab>
          <Tabs.Tab value="rejected">Rejected</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {requests.isError && <ErrorAlert error={requests.error} />}
      <Card withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={1000}>
          <Table verticalSpacing="xs" data-testid="overrides-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Record</Table.Th>
                <Table.Th>From → to</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Needs approval because</Table.Th>
                <Table.Th>Requested</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {requests.data?.items.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="md">
                      None.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {requests.data?.items.map((r) => (
                <Table.Tr key={r.id} data-testid="override-row">
                  <Table.Td>
                    <Badge variant="outline" size="xs" mr={6}>
                      {r.recordType}
                    </Badge>
                    {r.title}
                  </Table.Td>
                  <Table.Td fz="sm">
                    {r.fromOwnerName ?? '—'} → <b>{r.toUserName}</b>
                  </Table.Td>
                  <Table.Td fz="sm">
                    <Badge size="xs" variant="light" mr={4}>
                      {r.reasonCode}
                    </Badge>
                    {r.reason}
                  </Table.Td>
                  <Table.Td fz="sm">{r.approvalReason}</Table.Td>
                  <Table.Td fz="sm">
                    {r.requestedByName}
                    <Text size="xs" c="dimmed">
                      {formatDateTime(r.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {r.status === 'pending' && canDecide ? (
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="xs"
                          color="green"
                          variant="light"
                          onClick={() => setDeciding({ id: r.id, decision: 'approve' })}
                          data-testid="override-approve"
                        >
                          Approve
                        </Button>
                        <Button
                          size="xs"
                          color="red"
                          variant="light"
                          onClick={() => setDeciding({ id: r.id, decision: 'reject' })}
                          data-testid="override-reject"
                        >
                          Reject
                        </Button>
                      </Group>
                    ) : (
                      <StateBadge state={r.status} />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Modal
        opened={deciding !== null}
        onClose={() => setDeciding(null)}
        title={deciding?.decision === 'approve' ? 'Approve reassignment' : 'Reject reassignment'}
      >
        <Stack>
          <Textarea
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            data-testid="override-reason"
          />
          {decide.isError && <ErrorAlert error={decide.error} />}
          <Button
            onClick={() => deciding && decide.mutate(deciding)}
            disabled={!reason.trim()}
            loading={decide.isPending}
            data-testid="override-submit"
          >
            Confirm
          </Button>
        </Stack>
      </Modal>
    </Stack>
  );
}
