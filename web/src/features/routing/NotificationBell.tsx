import { ActionIcon, Indicator, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, unwrap } from '../../lib/api-client';
import type { Me } from '../../lib/session';
import { hasPermission } from './shared';

export const notificationsQuery = {
  queryKey: ['notifications'],
  queryFn: () => unwrap(api.GET('/api/v1/me/notifications', { params: { query: { limit: 100 } } })),
};

/** The header bell: unread count, polled; opens the inbox. */
export function NotificationBell({ me }: { me: Me }) {
  const enabled = hasPermission(me, 'notification.read_own');
  const notifications = useQuery({ ...notificationsQuery, enabled, refetchInterval: 30_000 });
  if (!enabled) return null;
  const unread = notifications.data?.unread ?? 0;
  return (
    <Tooltip label={unread > 0 ? `${unread} unread` : 'Inbox'}>
      <Indicator label={unread > 99 ? '99+' : unread} size={16} disabled={unread === 0} color="red" offset={4}>
        <ActionIcon
          component={Link}
          to="/routing/inbox"
          variant="subtle"
          color="gray"
          size="lg"
          aria-label="Inbox"
          data-testid="inbox-bell"
          data-unread={unread}
        >
          <svg
            width={20}
            height={20}
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            strokeWidth={1.8}
            strokeLinecap="round"
            strokeLinejoin="round"
            aria-hidden="true"
          >
            <path d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15z" />
            <path d="M10 20a2 2 0 0 0 4 0" />
          </svg>
        </ActionIcon>
      </Indicator>
    </Tooltip>
  );
}
