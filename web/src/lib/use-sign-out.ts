import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, setCsrfToken } from './api-client';
import { meQuery } from './session';

/** Ends the session on the server, forgets every cached response, and returns to the sign-in page. */
export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      await api.DELETE('/api/v1/session');
    },
    onSettled: async () => {
      setCsrfToken(null);
      queryClient.removeQueries();
      queryClient.setQueryData(meQuery.queryKey, null);
      await navigate({ to: '/sign-in' });
    },
  });
}
