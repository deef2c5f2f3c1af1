import { Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { RecordLink, StateBadge, StatCard } from './shared';

dayjs.extend(relativeTime);

import { notificationsQuery } from './NotificationBell';

export function MyWorkPage() {
  const queryClient = useQueryClient();
  const work = useQuery({ queryKey: ['my-work'], queryFn: () => unwrap(api.GET('/api/v1/me/work')) });
  const acknowledge = useMutation({
    mutationFn: (assignmentId: string) =>
      unwrap(api.POST('/api/v1/assignments/{id}/acknowledge', { params: { path: { id: assignmentId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['my-work'] }),
  });
  const counts = work.data?.counts;
  return (
    <Stack gap="lg" maw={1300} data-testid="my-work-page">
      <div>
        <Title order={2}>My work</Title>
        <Text c="dimmed">What is routed to you, most urgent first. Acknowledge to tell the team you have it.</Text>
      </div>
      {work.isError && <ErrorAlert error={work.error} />}
      {counts && (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <StatCard label="Breached" value={counts.breached} color={counts.breached ? 'red' : undefined} testId="work-breached" />
          <StatCard label="Due soon" value={counts.due_soon} color={counts.due_soon ? 'orange' : undefined} testId="work-due-soon" />
          <StatCard label="On track" value={counts.on_track} color="green" testId="work-on-track" />
          <StatCard label="Acknowledged" value={counts.acknowledged} testId="work-acknowledged" />
        </SimpleGrid>
      )}
      <Card withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={800}>
          <Table highlightOnHover verticalSpacing="xs" data-testid="my-work-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Record</Table.Th>
                <Table.Th>Why you</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {work.data?.items.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" ta="center" py="lg">
                      Nothing assigned to you.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {work.data?.items.map((item) => (
                <Table.Tr key={item.assignmentId} data-testid="work-row" data-state={item.state} data-assignment={item.assignmentId}>
                  <Table.Td>
                    <Badge variant="outline" size="xs" mr={6}>
                      {item.recordType}
                    </Badge>
                    <RecordLink type={item.recordType} id={item.recordId}>
                      {item.title}
                    </RecordLink>
                  </Table.Td>
                  <Table.Td fz="sm">
                    <Text fz="sm" lineClamp={2}>
                      {item.reason}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={item.priority === 'urgent' ? 'red' : item.priority === 'high' ? 'orange' : 'gray'}>
                      {item.priority}
                    </Badge>
                  </Table.Td>
                  <Table.Td fz="sm">
                    <Tooltip label={formatDateTime(item.dueAt)}>
                      <span>{dayjs(item.dueAt).fromNow()}</span>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={item.state} testId="work-state" />
                  </Table.Td>
                  <Table.Td>
                    {!item.acknowledgedAt && (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() => acknowledge.mutate(item.assignmentId)}
                        loading={acknowledge.isPending && acknowledge.variables === item.assignmentId}
                        data-testid="acknowledge"
                      >
                        Acknowledge
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      {acknowledge.isError && <ErrorAlert error={acknowledge.error} />}
    </Stack>
  );
}

export function InboxPage() {
  const queryClient = useQueryClient();
  const notifications = useQuery(notificationsQuery);
  const markRead = useMutation({
    mutationFn: (ids?: string[]) => unwrap(api.POST('/api/v1/me/notifications/read', { body: ids ? { ids } : {} })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const items = notifications.data?.items ?? [];
  return (
    <Stack gap="lg" maw={1000} data-testid="inbox-page">
      <Group justify="space-between">
        <div>
          <Title order={2}>Inbox</Title>
          <Text c="dimmed">Assignments, approaching deadlines, escalations and approvals.</Text>
        </div>
        <Button
          variant="light"
          onClick={() => markRead.mutate(undefined)}
          disabled={!notifications.data?.unread}
          loading={markRead.isPending}
          data-testid="mark-all-read"
        >
          Mark all read
        </Button>
      </Group>
      {notifications.isError && <ErrorAlert error={notifications.error} />}
      {notifications.isSuccess && items.length === 0 && <Text c="dimmed">No notifications.</Text>}
      <Stack gap="xs">
        {items.map((n) => (
          <Card
            key={n.id}
            withBorder
            radius="md"
            p="sm"
            bg={n.readAt ? undefined : 'blue.0'}
            data-testid="notification"
            data-read={String(n.readAt !== null)}
          >
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <div>
                <Group gap="xs">
                  <Badge size="xs" variant="outline">
                    {n.kind.replace(/_/g, ' ')}
                  </Badge>
                  <Text fw={600} size="sm">
                    {n.recordType && n.recordId ? (
                      <RecordLink type={n.recordType} id={n.recordId}>
                        {n.title}
                      </RecordLink>
                    ) : (
                      n.title
                    )}
                  </Text>
                </Group>
                <Text size="sm" c="dimmed">
                  {n.body}
                </Text>
              </div>
              <Group gap="xs" wrap="nowrap">
                <Text size="xs" c="dimmed">
                  {dayjs(n.createdAt).fromNow()}
                </Text>
                {!n.readAt && (
                  <Button size="compact-xs" variant="subtle" onClick={() => markRead.mutate([n.id])}>
                    Mark read
                  </Button>
                )}
              </Group>
            </Group>
          </Card>
        ))}
      </Stack>
    </Stack>
  );
}
