import type { ReactNode } from 'react';
import { PathIcon as Icon } from '../../app/icons';

/** Appended to the app's navigation; each entry is gated on the permission its API needs. */
export const ROUTING_NAV_ITEMS: Array<{ to: string; label: string; icon: ReactNode; permission: string; testId: string }> = [
  {
    to: '/routing/my-work',
    label: 'My work',
    icon: <Icon d="M4 6h16M4 12h16M4 18h10" />,
    permission: 'assignment.read',
    testId: 'routing-nav-my-work',
  },
  {
    to: '/routing/records',
    label: 'Records',
    icon: <Icon d="M5 4h10l4 4v12H5zM9 12h6M9 16h6" />,
    permission: 'record.read',
    testId: 'routing-nav-records',
  },
  {
    to: '/routing/risk',
    label: 'Risk queue',
    icon: <Icon d="M12 3 2 20h20zM12 10v4M12 17v.5" />,
    permission: 'queue.risk',
    testId: 'routing-nav-risk',
  },
  {
    to: '/routing/overrides',
    label: 'Overrides',
    icon: <Icon d="M7 7h10l-3-3M17 17H7l3 3" />,
    permission: 'assignment.read',
    testId: 'routing-nav-overrides',
  },
  {
    to: '/routing/rulesets',
    label: 'Routing rules',
    icon: <Icon d="M4 5h6v5H4zM14 14h6v5h-6zM7 10v6h7" />,
    permission: 'ruleset.read',
    testId: 'routing-nav-rulesets',
  },
  {
    to: '/routing/pools',
    label: 'Pools',
    icon: <Icon d="M8 8a3 3 0 1 0 0-.1M16 8a3 3 0 1 0 0-.1M3 20c0-3 2-5 5-5s5 2 5 5M11 20c0-3 2-5 5-5s5 2 5 5" />,
    permission: 'pool.read',
    testId: 'routing-nav-pools',
  },
  {
    to: '/routing/exceptions',
    label: 'Exceptions',
    icon: <Icon d="M5 20V10M12 20V4M19 20v-7" />,
    permission: 'report.routing',
    testId: 'routing-nav-exceptions',
  },
];
