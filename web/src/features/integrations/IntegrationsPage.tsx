import { Stack, Tabs, Title } from '@mantine/core';
import { useState } from 'react';
import { ExportsTab } from './ExportsTab';
import { ImportsTab } from './ImportsTab';
import { WebhooksTab } from './WebhooksTab';

/** Webhook endpoints, CSV imports and CSV exports: how Baton fits the systems around it. */
export function IntegrationsPage() {
  const [tab, setTab] = useState<string | null>(() => new URLSearchParams(window.location.search).get('tab') ?? 'webhooks');
  const select = (value: string | null) => {
    setTab(value);
    const url = new URL(window.location.href);
    url.searchParams.set('tab', value ?? 'webhooks');
    window.history.replaceState(null, '', url);
  };
  return (
    <Stack>
      <Title order={2}>Integrations</Title>
      <Tabs value={tab} onChange={select} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="webhooks" data-testid="tab-webhooks">
            Webhooks
          </Tabs.Tab>
          <Tabs.Tab value="imports" data-testid="tab-imports">
            Imports
          </Tabs.Tab>
          <Tabs.Tab value="exports" data-testid="tab-exports">
            Exports
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="webhooks" pt="md">
          <WebhooksTab />
        </Tabs.Panel>
        <Tabs.Panel value="imports" pt="md">
          <ImportsTab />
        </Tabs.Panel>
        <Tabs.Panel value="exports" pt="md">
          <ExportsTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
