import { Alert, List } from '@mantine/core';
import { ApiError, errorMessage } from '../lib/api-client';

/** Shows a failed call's problem detail and any field errors. */
export function ErrorAlert({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  return (
    <Alert color="red" variant="light" title={title} data-testid="error-alert">
      {errorMessage(error)}
      {error instanceof ApiError && error.errors.length > 0 && (
        <List size="sm" mt="xs">
          {error.errors.map((e) => (
            <List.Item key={e.path}>
              <b>{e.path}</b>: {e.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
