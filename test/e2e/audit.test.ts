import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

const eventsShown = (page: Page) =>
  page.getByTestId('audit-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event') ?? ''));

describe('audit log viewer (browser)', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('lists the seeded events, filters by event name, shows a row in detail, verifies the chain', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, server.admin.email, server.admin.password);
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-row').first().waitFor();

    const all = await eventsShown(page);
    expect(all.length).toBe(50); // one page
    expect(new Set(all).size).toBeGreaterThan(1);
    await screenshot(page, 'audit-list');

    // Load more follows the cursor.
    await page.getByTestId('audit-load-more').click();
    await expect.poll(async () => (await eventsShown(page)).length).toBeGreaterThan(50);
    const seqs = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);

    // Filtering by event name narrows the list to that event.
    await page.getByTestId('filter-event').fill('team.created');
    await expect.poll(async () => [...new Set(await eventsShown(page))], { timeout: 10_000 }).toEqual(['team.created']);
    const teams = await eventsShown(page);
    expect(teams.length).toBeGreaterThan(0);
    expect(teams.length).toBeLessThan(all.length);
    await page.keyboard.press('Escape');
    await screenshot(page, 'audit-filtered');

    // A row opens the detail drawer with before/after and the hash.
    await page.getByTestId('audit-row').first().click();
    const detail = page.getByTestId('audit-detail');
    await detail.waitFor();
    expect(await page.getByTestId('audit-detail-before').innerText()).toMatch(/nothing before/i);
    expect(await page.getByTestId('audit-detail-after').innerText()).toContain('"name"');
    expect(await page.getByTestId('audit-detail-hash').innerText()).toMatch(/^[0-9a-f]{64}$/);
    await page.waitForTimeout(300); // drawer transition, for the screenshot
    await screenshot(page, 'audit-detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // Reset brings the full list back; then verify the hash chain.
    await page.getByTestId('filter-reset').click();
    await expect.poll(async () => (await eventsShown(page)).length).toBeGreaterThan(50); // the cached pages come back

    await page.getByTestId('verify-chain').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.innerText()).toMatch(/chain verified/i);
    await screenshot(page, 'audit-verified');
    await page.context().close();
  });
});
