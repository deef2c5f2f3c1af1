import type { ReactNode } from 'react';
import { PathIcon as Icon } from '../../app/icons';

/** Appended to the app's navigation; each entry is gated on the permission its API needs. */
export const CHANNEL_NAV_ITEMS: Array<{ to: string; label: string; icon: ReactNode; permission: string; testId: string }> = [
  {
    to: '/channel/registrations',
    label: 'Registrations',
    icon: <Icon d="M6 3h9l4 4v14H6zM9 12l2 2 4-4" />,
    permission: 'registration.read',
    testId: 'channel-nav-registrations',
  },
  {
    to: '/channel/conflicts',
    label: 'Channel conflicts',
    icon: <Icon d="M7 4v16M17 4v16M4 12h16" />,
    permission: 'conflict.read',
    testId: 'channel-nav-conflicts',
  },
  {
    to: '/channel/expiry',
    label: 'Expiry decisions',
    icon: <Icon d="M12 7v5l3 3M12 3a9 9 0 1 0 .1 0" />,
    permission: 'registration.read',
    testId: 'channel-nav-expiry',
  },
  {
    to: '/channel/partners',
    label: 'Partners',
    icon: <Icon d="M4 20V10l8-6 8 6v10zM9 20v-6h6v6" />,
    permission: 'partner.read',
    testId: 'channel-nav-partners',
  },
];
