import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

const navItems = async (page: import('playwright-core').Page) =>
  page
    .getByTestId('navbar')
    .locator('[data-testid^="nav-"]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')));

describe('navigation follows permissions (browser)', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('admin sees every existing feature', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, server.admin.email, server.admin.password);
    expect(await navItems(page)).toEqual(['nav-home', 'nav-people', 'nav-audit', 'nav-orders', 'nav-order-variants', 'nav-order-kpis', 'nav-returns', 'nav-purchasing', 'nav-integrations']);
    await page.context().close();
  });

  test('a sales rep has no Audit log item, and the audit page refuses them', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, 'anna.snelling@demo.baton.dev', server.demoPassword);
    expect(await page.getByTestId('current-user-name').innerText()).toBe('Anna Snelling');
    expect(await page.getByTestId('current-user-role').innerText()).toMatch(/sales rep/i);
    expect(await navItems(page)).toEqual(['nav-home', 'nav-people', 'nav-orders', 'nav-order-variants', 'nav-returns', 'nav-purchasing']);
    expect(await page.getByTestId('home-tile-audit').count()).toBe(0);
    await screenshot(page, 'home-sales-rep');

    await page.goto(new URL('/audit', server.url).href);
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('audit-table').count()).toBe(0);
    await page.context().close();
  });

  test('a partner user sees the partner portal and no internal navigation', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, 'nora.northwind@demo.baton.dev', server.demoPassword);
    await page.getByTestId('partner-portal').waitFor();
    await page.getByTestId('portal-registration-row').first().waitFor();
    expect(await page.getByTestId('navbar').count()).toBe(0);
    await screenshot(page, 'partner-portal');

    await page.goto(new URL('/audit', server.url).href);
    await page.getByTestId('partner-portal').waitFor();
    expect(await page.getByTestId('audit-table').count()).toBe(0);

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    await page.context().close();
  });
});
