import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

describe('channel: manager queue and partner portal (browser)', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a manager returns a flagged registration for info, the partner sees the request, the manager resolves a conflict and views a scorecard', async () => {
    const manager = await newPage(browser);
    await signIn(manager, server.url, 'chandra.channel@demo.baton.dev', server.demoPassword);
    await manager.getByTestId('channel-nav-registrations').click();
    await manager.getByTestId('registrations-flagged-filter').click();
    const row = manager.getByTestId('registration-row').filter({ hasText: 'Quartz Analytics' }).first();
    await row.waitFor();
    await row.getByRole('link').click();
    await manager.getByTestId('registration-detail').waitFor();
    await manager.getByTestId('duplicate-card').nth(1).waitFor();
    expect(await manager.getByTestId('registration-flags').innerText()).toMatch(/other_partner_registration/i);
    expect(await manager.getByTestId('match-evidence').innerText()).toMatch(/Method/);
    await screenshot(manager, 'channel-registration-detail');
    await manager.getByTestId('return-info').fill('Which business unit is buying, and who is the sponsor?');
    await manager.getByTestId('return').click();
    await manager.getByTestId('status-badge').filter({ hasText: 'returned' }).first().waitFor();

    const partner = await newPage(browser);
    await signIn(partner, server.url, 'cora.contoso@demo.baton.dev', server.demoPassword);
    await partner.getByTestId('portal-registration-row').filter({ hasText: 'Quartz Analytics' }).getByText('Quartz Analytics').click();
    expect(await partner.getByTestId('portal-info-request').innerText()).toMatch(/sponsor/);
    expect(await partner.getByTestId('portal-registration').innerText()).not.toMatch(/Northwind|other_partner|Chandra/);
    await screenshot(partner, 'channel-portal-returned');
    await partner.context().close();

    await manager.getByTestId('channel-nav-conflicts').click();
    const conflict = manager.getByTestId('conflict-row').first();
    await conflict.waitFor();
    await conflict.getByTestId('conflict-resolution').click();
    await manager.getByRole('option', { name: 'keep partner' }).click();
    await conflict.getByTestId('conflict-reason').fill('Northwind registered first and is active');
    await conflict.getByTestId('conflict-resolve').click();
    await manager.getByText('No open conflicts.').waitFor();

    await manager.getByTestId('channel-nav-partners').click();
    await manager.getByTestId('chart-win-rate').locator('svg').first().waitFor();
    await manager.getByTestId('partner-row').filter({ hasText: 'Fabrikam' }).getByRole('link').click();
    await manager.getByTestId('chart-monthly').locator('svg').first().waitFor();
    expect(await manager.getByTestId('scorecard-summary').innerText()).toMatch(/Paper partner/);
    await screenshot(manager, 'channel-scorecard');
    await manager.context().close();
  });
});
