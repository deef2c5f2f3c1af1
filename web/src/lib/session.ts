import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { ApiError, api, type Schemas, unwrap } from './api-client';

export type Me = Schemas['Me'];
export type Role = Schemas['Role'];

/** Permissions the web app knows how to use; the server's list is the authority. */
export type Permission =
  'user.read' | 'user.manage' | 'team.read' | 'team.manage' | 'calendar.read' | 'audit.read' | 'audit.verify' | 'partner.manage';

/** The signed-in user, or null when there is no session. */
export const meQuery = queryOptions({
  queryKey: ['me'] as const,
  queryFn: async (): Promise<Me | null> => {
    try {
      return await unwrap(api.GET('/api/v1/me'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 60_000,
});

/** Inside the authenticated layout the user is always present. */
export function useMe(): Me {
  const { data } = useSuspenseQuery(meQuery);
  if (!data) throw new Error('useMe() outside the authenticated layout');
  return data;
}

export function can(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission);
}

export const isPartnerRole = (role: Role) => role === 'partner_admin' || role === 'partner_user';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  revops: 'RevOps',
  sales_manager: 'Sales manager',
  sales_rep: 'Sales rep',
  channel_manager: 'Channel manager',
  ops: 'Operations',
  finance: 'Finance',
  partner_admin: 'Partner admin',
  partner_user: 'Partner user',
  integration: 'Integration',
};

export const ROLE_COLORS: Record<Role, string> = {
  admin: 'red',
  revops: 'grape',
  sales_manager: 'indigo',
  sales_rep: 'blue',
  channel_manager: 'teal',
  ops: 'orange',
  finance: 'green',
  partner_admin: 'cyan',
  partner_user: 'cyan',
  integration: 'gray',
};
