import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

describe('integrations (browser)', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  const allowLoopback = process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK;

  beforeAll(async () => {
    // The endpoint below points at loopback; the server runs in this process, so the development setting applies.
    process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = '1';
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (allowLoopback === undefined) delete process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK;
    else process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = allowLoopback;
  });

  test('RevOps uploads a CSV with one bad row in valid-rows mode, sees progress reach done (also after a reload) and the error report; creates a webhook endpoint', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, 'riley.revops@demo.baton.dev', server.demoPassword);
    await page.getByTestId('nav-integrations').click();
    await page.getByTestId('tab-imports').click();

    const csv = [
      'name,email,company,amount',
      'Browser Lead 1,b1@browser.example,Browser Co,10',
      'Browser Lead 2,b2@browser.example,Browser Co,not money',
      'Browser Lead 3,b3@browser.example,Browser Co,30',
      '',
    ].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'browser-leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-preview').waitFor();
    expect(await page.getByTestId('import-preview').innerText()).toContain('Browser Lead 2');
    await page.getByTestId('import-valid-rows').click();
    await page.getByTestId('import-start').click();

    const row = page.getByTestId('import-row').filter({ hasText: 'browser-leads.csv' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await row.getByTestId('import-counts').innerText()).toBe('2 imported · 1 skipped · 1 errors · 0 warnings');
    await row.getByTestId('import-error-report').waitFor();
    const report = await page.evaluate(
      async (href) => (await fetch(href!)).text(),
      await row.getByTestId('import-error-report').getAttribute('href'),
    );
    expect(report).toContain('3,error,amount,"""not money"" is not an amount (like 1234.50)"');
    await screenshot(page, 'integrations-import-done');

    await page.reload();
    await page.getByTestId('tab-imports').click();
    await expect
      .poll(() => page.getByTestId('import-row').filter({ hasText: 'browser-leads.csv' }).getAttribute('data-status'), { timeout: 10_000 })
      .toBe('done');

    await page.getByTestId('tab-webhooks').click();
    await page.getByTestId('webhook-url-input').fill('http://127.0.0.1:9/hooks/browser');
    await page.getByTestId('webhook-events-input').fill('lead.*, import.finished');
    await page.getByTestId('webhook-create').click();
    await page.getByTestId('webhook-secret').waitFor();
    expect(await page.getByTestId('webhook-secret').innerText()).toMatch(/whsec_/);
    await expect
      .poll(() => page.getByTestId('webhook-url').allInnerTexts(), { timeout: 10_000 })
      .toContain('http://127.0.0.1:9/hooks/browser');
    await screenshot(page, 'integrations-webhooks');

    await page.getByTestId('tab-exports').click();
    expect(await page.getByTestId('export-download').getAttribute('href')).toMatch(/^\/api\/v1\/exports\/audit\.csv\?from=/);
    await page.context().close();
  });
});
