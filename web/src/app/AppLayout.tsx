import { AppShell, Avatar, Badge, Burger, Button, Group, NavLink, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { PartnerPortalPage } from '../features/partner/PartnerPortalPage';
import { can, isPartnerRole, type Me, type Permission, ROLE_COLORS, ROLE_LABELS, useMe } from '../lib/session';
import { useSignOut } from '../lib/use-sign-out';
import { NotificationBell } from '../features/routing/NotificationBell';
import { ROUTING_NAV_ITEMS } from '../features/routing/nav';
import { CHANNEL_NAV_ITEMS } from '../features/channel/nav';
import { AuditIcon, BatonMark, HomeIcon, PeopleIcon, SignOutIcon } from './icons';

type NavItem = { to: '/' | '/people' | '/audit' | '/orders' | '/order-variants' | '/order-kpis' | '/returns' | '/purchasing'; label: string; icon: ReactNode; permission?: Permission; testId: string };

/** Only features that exist appear here; each is gated on the permission its API needs. */
const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Home', icon: <HomeIcon />, testId: 'nav-home' },
  { to: '/people', label: 'People', icon: <PeopleIcon />, permission: 'user.read', testId: 'nav-people' },
  { to: '/audit', label: 'Audit log', icon: <AuditIcon />, permission: 'audit.read', testId: 'nav-audit' },
  { to: '/orders', label: 'Orders', icon: <AuditIcon />, permission: 'order.read' as Permission, testId: 'nav-orders' },
  { to: '/order-variants', label: 'Workflow variants', icon: <AuditIcon />, permission: 'order.read' as Permission, testId: 'nav-order-variants' },
  { to: '/order-kpis', label: 'Order KPIs', icon: <AuditIcon />, permission: 'kpi.read' as Permission, testId: 'nav-order-kpis' },
  { to: '/returns', label: 'Returns & credits', icon: <AuditIcon />, permission: 'order.read' as Permission, testId: 'nav-returns' },
  { to: '/purchasing', label: 'Purchasing & transfers', icon: <AuditIcon />, permission: 'order.read' as Permission, testId: 'nav-purchasing' },
];

// Routing (issue 3): its pages, gated on routing permissions the web Permission union does not list yet.
NAV_ITEMS.push(...(ROUTING_NAV_ITEMS as unknown as NavItem[]));
NAV_ITEMS.push({ to: '/integrations', label: 'Integrations', icon: <AuditIcon />, permission: 'integration.manage' as Permission, testId: 'nav-integrations' } as unknown as NavItem);

// Channel (issue 4): gated on channel permissions.
NAV_ITEMS.push(...(CHANNEL_NAV_ITEMS as unknown as NavItem[]));

export const navItemsFor = (me: Me) => NAV_ITEMS.filter((item) => !item.permission || can(me, item.permission));

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');

export function AppHeader({ me, burger }: { me: Me; burger?: ReactNode }) {
  const signOut = useSignOut();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="sm" wrap="nowrap">
        {burger}
        <Link to="/" style={{ textDecoration: 'none', color: 'inherit' }} data-testid="wordmark">
          <Group gap={8} wrap="nowrap">
            <BatonMark />
            <Text fw={800} size="lg" style={{ letterSpacing: '-0.02em' }}>
              Baton
            </Text>
          </Group>
        </Link>
      </Group>
      <Group gap="sm" wrap="nowrap">
        <NotificationBell me={me} />
        <Avatar color={ROLE_COLORS[me.user.role]} radius="xl" size={32} visibleFrom="xs">
          {initials(me.user.name)}
        </Avatar>
        <div>
          <Text size="sm" fw={600} lh={1.2} data-testid="current-user-name">
            {me.user.name}
          </Text>
          <Text size="xs" c="dimmed" lh={1.2} visibleFrom="sm">
            {me.user.email}
          </Text>
        </div>
        <Badge color={ROLE_COLORS[me.user.role]} variant="light" data-testid="current-user-role">
          {ROLE_LABELS[me.user.role]}
        </Badge>
        <Tooltip label="Sign out">
          <Button
            variant="subtle"
            color="gray"
            leftSection={<SignOutIcon size={16} />}
            onClick={() => signOut.mutate()}
            loading={signOut.isPending}
            data-testid="sign-out"
          >
            Sign out
          </Button>
        </Tooltip>
      </Group>
    </Group>
  );
}

export function AppLayout() {
  const me = useMe();
  const [opened, { toggle, close }] = useDisclosure();
  const pathname = useRouterState({ select: (state) => state.location.pathname });

  if (isPartnerRole(me.user.role)) return <PartnerPortalPage me={me} />;

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <AppHeader me={me} burger={<Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" />} />
      </AppShell.Header>
      <AppShell.Navbar p="sm" data-testid="navbar">
        {navItemsFor(me).map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={item.icon}
            active={item.to === '/' ? pathname === '/' : pathname.startsWith(item.to)}
            onClick={close}
            data-testid={item.testId}
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
            fw={500}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
