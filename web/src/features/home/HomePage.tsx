import type { ReactNode } from 'react';
import { Badge, Card, Group, List, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { AuditIcon, PeopleIcon } from '../../app/icons';
import { can, type Me, ROLE_COLORS, ROLE_LABELS, useMe } from '../../lib/session';

type Tile = { to: '/people' | '/audit'; title: string; description: string; icon: ReactNode; testId: string };

function tilesFor(me: Me): Tile[] {
  const tiles: Tile[] = [];
  if (can(me, 'user.read'))
    tiles.push({
      to: '/people',
      title: 'People',
      description: 'Browse the users and teams of your organisation, their roles and who manages whom.',
      icon: <PeopleIcon size={22} />,
      testId: 'home-tile-people',
    });
  if (can(me, 'audit.read'))
    tiles.push({
      to: '/audit',
      title: 'Audit log',
      description: can(me, 'audit.verify')
        ? 'Every change with who, when, why and the before/after snapshot — and verify the tamper-evident hash chain.'
        : 'Every change with who, when, why and the before/after snapshot.',
      icon: <AuditIcon size={22} />,
      testId: 'home-tile-audit',
    });
  return tiles;
}

const PERMISSION_TEXT: Record<string, string> = {
  'user.read': 'See users',
  'user.manage': 'Create, change and deactivate users',
  'team.read': 'See teams',
  'team.manage': 'Create and change teams',
  'calendar.read': 'See business calendars',
  'calendar.manage': 'Create and change business calendars',
  'token.manage_own': 'Manage your own API tokens',
  'token.manage_any': 'Manage anyone’s API tokens',
  'audit.read': 'Read the audit log',
  'audit.verify': 'Verify the audit hash chain',
  'partner.manage': 'Manage partners',
};

export function HomePage() {
  const me = useMe();
  const firstName = me.user.name.split(/\s+/)[0] ?? me.user.name;
  const tiles = tilesFor(me);
  return (
    <Stack gap="xl" maw={1100} data-testid="home-page">
      <div>
        <Title order={2} data-testid="home-welcome">
          Welcome, {firstName}
        </Title>
        <Group gap="xs" mt={6}>
          <Text c="dimmed">You are signed in as {me.user.name} with the role</Text>
          <Badge color={ROLE_COLORS[me.user.role]} variant="light">
            {ROLE_LABELS[me.user.role]}
          </Badge>
        </Group>
      </div>

      {tiles.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          {tiles.map((tile) => (
            <Card
              key={tile.to}
              component={Link}
              to={tile.to}
              withBorder
              radius="md"
              padding="lg"
              shadow="xs"
              data-testid={tile.testId}
              className="baton-tile"
            >
              <Group gap="md" align="flex-start" wrap="nowrap">
                <ThemeIcon size={42} radius="md" variant="light">
                  {tile.icon}
                </ThemeIcon>
                <div>
                  <Text fw={600} size="lg">
                    {tile.title}
                  </Text>
                  <Text c="dimmed" size="sm" mt={4}>
                    {tile.description}
                  </Text>
                </div>
              </Group>
            </Card>
          ))}
        </SimpleGrid>
      )}

      <Card withBorder radius="md" padding="lg">
        <Text fw={600} mb="xs">
          What you can do
        </Text>
        {me.permissions.length === 0 ? (
          <Text c="dimmed" size="sm">
            Your role has no permissions in the internal workspace yet.
          </Text>
        ) : (
          <List size="sm" spacing={4} data-testid="home-permissions">
            {me.permissions.map((permission) => (
              <List.Item key={permission}>{PERMISSION_TEXT[permission] ?? permission}</List.Item>
            ))}
          </List>
        )}
        <Text c="dimmed" size="xs" mt="md">
          Routing, channel and order workflows arrive in later releases; they will appear in the menu when they do.
        </Text>
      </Card>
    </Stack>
  );
}
