import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

describe('orders (browser)', { timeout: 90_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('finance releases a held order hold by hold, then sees the variant registry and the KPI dashboard', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, 'farah.finance@demo.baton.dev', server.demoPassword);
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('order-row').first().waitFor();
    expect(await page.getByTestId('order-row').count()).toBeGreaterThan(10);

    await page.getByTestId('orders-hold-filter').click();
    await expect.poll(async () => (await page.getByTestId('order-row').allInnerTexts()).every((text) => /on hold/i.test(text)), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('order-row').first().locator('a').click();
    await page.getByTestId('order-detail').waitFor();
    expect(await page.getByTestId('order-status').innerText()).toMatch(/on hold/i);
    expect(await page.getByTestId('order-decisions').locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'order-on-hold');
    const openHolds = await page.getByTestId('release-hold').count();
    expect(openHolds).toBeGreaterThan(0);
    await page.getByTestId('hold-reason').fill('reviewed by finance');
    await page.getByTestId('release-hold').first().click();
    await expect.poll(() => page.getByTestId('release-hold').count(), { timeout: 10_000 }).toBe(openHolds - 1);

    await page.getByTestId('nav-orders').click();
    await page.getByTestId('tab-exceptions').click();
    await page.getByTestId('exception-row').first().waitFor();
    await page.getByTestId('tab-stock').click();
    await page.getByTestId('stock-table').locator('tbody tr').first().waitFor();
    await screenshot(page, 'order-stock');

    await page.getByTestId('nav-order-variants').click();
    await page.getByTestId('variant-row').first().waitFor();
    expect(await page.getByTestId('variant-row').first().innerText()).toMatch(/manual_approval/);

    await page.getByTestId('nav-order-kpis').click();
    await page.getByTestId('order-kpis').waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, 'order-kpis');
    await page.context().close();
  });
});
