import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { HomePage } from '../features/home/HomePage';
import { PeoplePage } from '../features/people/PeoplePage';
import { SignInPage } from '../features/sign-in/SignInPage';
import { meQuery, type Permission } from '../lib/session';
import type { ReactNode } from 'react';
import { AppLayout } from './AppLayout';
import { NotFoundPage } from './NotFoundPage';
import { RequirePermission } from './RequirePermission';
import { RequireRouting } from '../features/routing/shared';

export type RouterContext = { queryClient: QueryClient };

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

/** Only same-origin app paths are honoured as post-sign-in destinations. */
export function safeRedirect(target: string | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/sign-in')) return '/';
  return target;
}

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): { redirect?: string } =>
    typeof search.redirect === 'string' ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context, search }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (me) throw redirect({ href: safeRedirect(search.redirect) });
  },
  component: SignInPage,
});

/** Everything below needs a session; no session → /sign-in?redirect=<where you were going>. */
const authenticatedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'authenticated',
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (!me) throw redirect({ to: '/sign-in', search: location.href === '/' ? {} : { redirect: location.href } });
  },
  component: AppLayout,
});

const homeRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/', component: HomePage });

const peopleRoute = createRoute({
  getParentRoute: () => authenticatedRoute,
  path: '/people',
  component: () => (
    <RequirePermission permission="user.read">
      <PeoplePage />
    </RequirePermission>
  ),
});

const AuditPage = lazyRouteComponent(() => import('../features/audit/AuditPage'), 'AuditPage');
const auditRoute = createRoute({
  getParentRoute: () => authenticatedRoute,
  path: '/audit',
  component: () => (
    <RequirePermission permission="audit.read">
      <AuditPage />
    </RequirePermission>
  ),
});

// ---- orders ----
const ORDER_READ = 'order.read' as Permission;
const OrdersPage = lazyRouteComponent(() => import('../features/orders/OrdersPage'), 'OrdersPage');
const OrderDetailPage = lazyRouteComponent(() => import('../features/orders/OrderDetailPage'), 'OrderDetailPage');
const VariantsPage = lazyRouteComponent(() => import('../features/orders/VariantsPage'), 'VariantsPage');
const OrderKpisPage = lazyRouteComponent(() => import('../features/orders/OrderKpisPage'), 'OrderKpisPage');
const gated = (permission: Permission, Page: () => ReactNode) => () => (
  <RequirePermission permission={permission}>
    <Page />
  </RequirePermission>
);
const ordersRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/orders', component: gated(ORDER_READ, () => <OrdersPage />) });
const orderDetailRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/orders/$orderId', component: gated(ORDER_READ, () => <OrderDetailPage />) });
const variantsRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/order-variants', component: gated(ORDER_READ, () => <VariantsPage />) });
const orderKpisRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/order-kpis', component: gated('kpi.read' as Permission, () => <OrderKpisPage />) });
const ReturnsPage = lazyRouteComponent(() => import('../features/orders/ReturnsPage'), 'ReturnsPage');
const PurchasingPage = lazyRouteComponent(() => import('../features/orders/PurchasingPage'), 'PurchasingPage');
const returnsRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/returns', component: gated(ORDER_READ, () => <ReturnsPage />) });
const purchasingRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/purchasing', component: gated(ORDER_READ, () => <PurchasingPage />) });
const orderRoutes = [ordersRoute, orderDetailRoute, variantsRoute, orderKpisRoute, returnsRoute, purchasingRoute];

// ---- Routing (issue 3) ---------------------------------------------------------------------------------
const routingPage = <P extends string>(path: P, permission: string, name: string) =>
  createRoute({
    getParentRoute: () => authenticatedRoute,
    path,
    component: () => {
      const Page = routingComponents[name]!;
      return (
        <RequireRouting permission={permission}>
          <Page />
        </RequireRouting>
      );
    },
  });
const routingComponents: Record<string, ReturnType<typeof lazyRouteComponent>> = {
  RulesetsPage: lazyRouteComponent(() => import('../features/routing/RulesetsPage'), 'RulesetsPage'),
  PoolsPage: lazyRouteComponent(() => import('../features/routing/PoolsPage'), 'PoolsPage'),
  MyWorkPage: lazyRouteComponent(() => import('../features/routing/WorkPages'), 'MyWorkPage'),
  InboxPage: lazyRouteComponent(() => import('../features/routing/WorkPages'), 'InboxPage'),
  RiskPage: lazyRouteComponent(() => import('../features/routing/RiskPage'), 'RiskPage'),
  RecordPage: lazyRouteComponent(() => import('../features/routing/RecordPage'), 'RecordPage'),
  RecordsPage: lazyRouteComponent(() => import('../features/routing/RecordsPage'), 'RecordsPage'),
  OverridesPage: lazyRouteComponent(() => import('../features/routing/RecordPage'), 'OverridesPage'),
  ExceptionsPage: lazyRouteComponent(() => import('../features/routing/ExceptionsPage'), 'ExceptionsPage'),
};
const routingRoutes = [
  routingPage('/routing/rulesets', 'ruleset.read', 'RulesetsPage'),
  routingPage('/routing/pools', 'pool.read', 'PoolsPage'),
  routingPage('/routing/my-work', 'assignment.read', 'MyWorkPage'),
  routingPage('/routing/inbox', 'notification.read_own', 'InboxPage'),
  routingPage('/routing/risk', 'queue.risk', 'RiskPage'),
  routingPage('/routing/records', 'record.read', 'RecordsPage'),
  routingPage('/routing/records/$type/$id', 'record.read', 'RecordPage'),
  routingPage('/routing/overrides', 'assignment.read', 'OverridesPage'),
  routingPage('/routing/exceptions', 'report.routing', 'ExceptionsPage'),
] as const;

// ---- integrations (issue 6) ----
const IntegrationsPage = lazyRouteComponent(() => import('../features/integrations/IntegrationsPage'), 'IntegrationsPage');
const integrationsRoute = createRoute({ getParentRoute: () => authenticatedRoute, path: '/integrations', component: gated('integration.manage' as Permission, () => <IntegrationsPage />) });
const integrationRoutes = [integrationsRoute];

// ---- Channel (issue 4) ---------------------------------------------------------------------------------
const channelComponents: Record<string, ReturnType<typeof lazyRouteComponent>> = {
  RegistrationsPage: lazyRouteComponent(() => import('../features/channel/RegistrationsPage'), 'RegistrationsPage'),
  RegistrationDetailPage: lazyRouteComponent(() => import('../features/channel/RegistrationsPage'), 'RegistrationDetailPage'),
  ConflictsPage: lazyRouteComponent(() => import('../features/channel/QueuesPage'), 'ConflictsPage'),
  ExpiryDecisionsPage: lazyRouteComponent(() => import('../features/channel/QueuesPage'), 'ExpiryDecisionsPage'),
  AccountChannelPage: lazyRouteComponent(() => import('../features/channel/AccountChannelPage'), 'AccountChannelPage'),
  PartnersPage: lazyRouteComponent(() => import('../features/channel/PartnersPage'), 'PartnersPage'),
  PartnerDetailPage: lazyRouteComponent(() => import('../features/channel/PartnersPage'), 'PartnerDetailPage'),
};
const channelPage = <P extends string>(path: P, permission: string, name: string) =>
  createRoute({
    getParentRoute: () => authenticatedRoute,
    path,
    component: () => {
      const Page = channelComponents[name]!;
      return (
        <RequireRouting permission={permission}>
          <Page />
        </RequireRouting>
      );
    },
  });
const channelRoutes = [
  channelPage('/channel/registrations', 'registration.read', 'RegistrationsPage'),
  channelPage('/channel/registrations/$id', 'registration.read', 'RegistrationDetailPage'),
  channelPage('/channel/conflicts', 'conflict.read', 'ConflictsPage'),
  channelPage('/channel/expiry', 'registration.read', 'ExpiryDecisionsPage'),
  channelPage('/channel/accounts/$accountId', 'partner.read', 'AccountChannelPage'),
  channelPage('/channel/partners', 'partner.read', 'PartnersPage'),
  channelPage('/channel/partners/$partnerId', 'partner.read', 'PartnerDetailPage'),
] as const;

const routeTree = rootRoute.addChildren([
  signInRoute,
  authenticatedRoute.addChildren([homeRoute, peopleRoute, auditRoute, ...routingRoutes, ...orderRoutes, ...integrationRoutes, ...channelRoutes]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
