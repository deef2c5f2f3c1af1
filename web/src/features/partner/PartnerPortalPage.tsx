import { AppShell, Center, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { AppHeader } from '../../app/AppLayout';
import { BatonMark } from '../../app/icons';
import type { Me } from '../../lib/session';

/** Partner users have no internal workspace; their portal is a later feature. */
export function PartnerPortalPage({ me }: { me: Me }) {
  return (
    <AppShell header={{ height: 60 }} padding="lg">
      <AppShell.Header>
        <AppHeader me={me} />
      </AppShell.Header>
      <AppShell.Main bg="gray.0">
        <Center mih="60vh">
          <Paper withBorder radius="md" p="xl" maw={520} data-testid="partner-portal">
            <Stack align="center" gap="sm">
              <ThemeIcon size={56} radius="xl" variant="light">
                <BatonMark size={32} />
              </ThemeIcon>
              <Title order={3}>The partner portal is coming soon</Title>
              <Text c="dimmed" ta="center">
                Hello {me.user.name}. Deal registration, your scorecard and order status will be available here. Your Baton contact will let
                you know when it opens.
              </Text>
            </Stack>
          </Paper>
        </Center>
      </AppShell.Main>
    </AppShell>
  );
}
