import '@mantine/core/styles.css';
import './app/global.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppRouter } from './app/router';
import { theme } from './app/theme';
import { ApiError, setCsrfToken, setUnauthorizedHandler } from './lib/api-client';
import { meQuery } from './lib/session';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Problems are answers, not glitches: retry only network failures and 5xx.
      retry: (failureCount, error) => failureCount < 2 && !(error instanceof ApiError && error.status < 500),
    },
  },
});
const router = createAppRouter(queryClient);

// A 401 on any call means the session is gone: forget everything and go to sign-in, coming back afterwards.
setUnauthorizedHandler(() => {
  const { pathname, searchStr } = router.state.location;
  if (pathname === '/sign-in') return;
  setCsrfToken(null);
  queryClient.removeQueries();
  queryClient.setQueryData(meQuery.queryKey, null);
  void router.navigate({ to: '/sign-in', search: { redirect: pathname + searchStr } });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
