import { Alert, Anchor, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { BatonMark } from '../../app/icons';
import { safeRedirect } from '../../app/router';
import { ApiError, api, errorMessage, unwrap } from '../../lib/api-client';
import { meQuery } from '../../lib/session';

export function SignInPage() {
  const search = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const signIn = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/session', { body: { email: email.trim(), password } })),
    onSuccess: async (me) => {
      queryClient.setQueryData(meQuery.queryKey, me);
      await navigate({ href: safeRedirect(search.redirect), replace: true });
    },
  });

  const fieldErrors = signIn.error instanceof ApiError ? signIn.error.fieldErrors() : {};
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Box w="100%" maw={400}>
        <Stack align="center" gap={6} mb="lg">
          <BatonMark size={44} />
          <Title order={2} style={{ letterSpacing: '-0.02em' }}>
            Sign in to Baton
          </Title>
          <Text c="dimmed" size="sm" ta="center">
            One accountable owner for every commercial record.
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <form onSubmit={onSubmit} noValidate data-testid="sign-in-form">
            <Stack>
              {signIn.isError && (
                <Alert
                  color="red"
                  variant="light"
                  title={signIn.error instanceof ApiError && signIn.error.status === 429 ? 'Too many attempts' : 'Sign-in failed'}
                  data-testid="sign-in-error"
                >
                  {errorMessage(signIn.error)}
                </Alert>
              )}
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                placeholder="you@company.com"
                required
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fieldErrors.email}
                data-testid="sign-in-email"
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={fieldErrors.password}
                data-testid="sign-in-password"
              />
              <Button type="submit" fullWidth loading={signIn.isPending} disabled={!email || !password} data-testid="sign-in-submit">
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
        <Text c="dimmed" size="xs" ta="center" mt="md">
          Trouble signing in? Ask your Baton administrator.{' '}
          <Anchor size="xs" href="/api/openapi.json">
            API reference
          </Anchor>
        </Text>
      </Box>
    </Center>
  );
}
