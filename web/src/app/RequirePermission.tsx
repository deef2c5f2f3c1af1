import { Alert, Container } from '@mantine/core';
import type { ReactNode } from 'react';
import { can, type Permission, useMe } from '../lib/session';

/** Renders children only for users holding `permission`; the server enforces it regardless. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const me = useMe();
  if (can(me, permission)) return <>{children}</>;
  return (
    <Container size="sm" py="xl">
      <Alert color="yellow" title="Not available" data-testid="forbidden">
        Your role does not include access to this page.
      </Alert>
    </Container>
  );
}
