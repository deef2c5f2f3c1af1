import { Badge, Button, Card, Group, Select, Skeleton, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { SearchIcon } from '../../app/icons';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, type Schemas, unwrap } from '../../lib/api-client';
import { formatDate } from '../../lib/format';
import { can, type Role, ROLE_COLORS, ROLE_LABELS, useMe } from '../../lib/session';

type User = Schemas['User'];
type Team = Schemas['Team'];

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((role) => ({ value: role, label: ROLE_LABELS[role] }));

function useTeams(enabled: boolean) {
  return useQuery({ queryKey: ['teams'], queryFn: () => unwrap(api.GET('/api/v1/teams')), enabled, staleTime: 60_000 });
}

/** Every user (for names of managers and team sizes); the directory table below queries with filters. */
function useAllUsers() {
  return useQuery({
    queryKey: ['users', 'all'],
    queryFn: async () => {
      const users: User[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200, ...(cursor && { cursor }) } } }));
        users.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return users;
    },
    staleTime: 60_000,
  });
}

function UsersTable({ teamsById }: { teamsById: Map<string, Team> }) {
  const [role, setRole] = useState<Role | null>(null);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);

  const users = useInfiniteQuery({
    queryKey: ['users', { role, q }],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/users', {
          params: { query: { limit: 100, ...(role && { role }), ...(q && { q }), ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = users.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Name or email"
          leftSection={<SearchIcon size={16} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
          data-testid="people-search"
        />
        <Select
          label="Role"
          placeholder="All roles"
          data={ROLE_OPTIONS}
          value={role}
          onChange={(value) => setRole(value as Role | null)}
          clearable
          w={200}
          data-testid="people-role-filter"
        />
        <Text size="sm" c="dimmed" ml="auto" data-testid="people-count">
          {users.isSuccess ? `${rows.length}${users.hasNextPage ? '+' : ''} ${rows.length === 1 ? 'user' : 'users'}` : ''}
        </Text>
      </Group>
      {users.isError && <ErrorAlert error={users.error} />}
      <Card withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.isPending &&
                Array.from({ length: 6 }, (_, i) => (
                  <Table.Tr key={i}>
                    <Table.Td colSpan={5}>
                      <Skeleton h={18} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              {users.isSuccess && rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text c="dimmed" ta="center" py="md">
                      No users match these filters.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {rows.map((user) => (
                <Table.Tr key={user.id} data-testid="user-row">
                  <Table.Td fw={500}>{user.name}</Table.Td>
                  <Table.Td c="dimmed">{user.email}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={ROLE_COLORS[user.role]}>
                      {ROLE_LABELS[user.role]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{user.teamId ? (teamsById.get(user.teamId)?.name ?? '—') : <Text c="dimmed">—</Text>}</Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={user.status === 'active' ? 'green' : 'gray'}>
                      {user.status === 'active' ? 'Active' : 'Deactivated'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      {users.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => users.fetchNextPage()} loading={users.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function TeamsTable({ teams, users }: { teams: Team[]; users: User[] }) {
  const usersById = useMemo(() => new Map(users.map((u) => [u.id, u])), [users]);
  const memberCount = useMemo(() => {
    const counts = new Map<string, number>();
    for (const u of users) if (u.teamId && u.status === 'active') counts.set(u.teamId, (counts.get(u.teamId) ?? 0) + 1);
    return counts;
  }, [users]);
  return (
    <Card withBorder radius="md" p={0}>
      <Table striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" data-testid="teams-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Team</Table.Th>
            <Table.Th>Manager</Table.Th>
            <Table.Th ta="right">Active members</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {teams.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={4}>
                <Text c="dimmed" ta="center" py="md">
                  No teams yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {teams.map((team) => (
            <Table.Tr key={team.id} data-testid="team-row">
              <Table.Td fw={500}>{team.name}</Table.Td>
              <Table.Td>{team.managerId ? (usersById.get(team.managerId)?.name ?? '—') : <Text c="dimmed">—</Text>}</Table.Td>
              <Table.Td ta="right">{memberCount.get(team.id) ?? 0}</Table.Td>
              <Table.Td c="dimmed">{formatDate(team.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

export function PeoplePage() {
  const me = useMe();
  const canSeeTeams = can(me, 'team.read');
  const teams = useTeams(canSeeTeams);
  const allUsers = useAllUsers();
  const teamsById = useMemo(() => new Map((teams.data?.items ?? []).map((t) => [t.id, t])), [teams.data]);

  return (
    <Stack gap="lg" maw={1200} data-testid="people-page">
      <div>
        <Title order={2}>People</Title>
        <Text c="dimmed">Users and teams in your organisation.</Text>
      </div>
      <Tabs defaultValue="users" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="users" data-testid="tab-users">
            Users{' '}
            {allUsers.data && (
              <Badge size="xs" variant="light" ml={4}>
                {allUsers.data.length}
              </Badge>
            )}
          </Tabs.Tab>
          {canSeeTeams && (
            <Tabs.Tab value="teams" data-testid="tab-teams">
              Teams{' '}
              {teams.data && (
                <Badge size="xs" variant="light" ml={4}>
                  {teams.data.items.length}
                </Badge>
              )}
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="users">
          <UsersTable teamsById={teamsById} />
        </Tabs.Panel>
        {canSeeTeams && (
          <Tabs.Panel value="teams">
            {teams.isError && <ErrorAlert error={teams.error} />}
            {teams.isPending ? <Skeleton h={200} /> : <TeamsTable teams={teams.data?.items ?? []} users={allUsers.data ?? []} />}
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
