import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot } from './browser.js';

describe('sign-in flow (browser)', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('wrong password shows the problem detail; right password lands on home; sign-out returns to sign-in', async () => {
    const page = await newPage(browser);

    // Unauthenticated → /sign-in, remembering where we were going.
    await page.goto(new URL('/people', server.url).href);
    await page.getByTestId('sign-in-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/people');
    await screenshot(page, 'sign-in-empty');

    await page.getByTestId('sign-in-email').fill(server.admin.email);
    await page.getByTestId('sign-in-password').fill('not-the-password');
    await page.getByTestId('sign-in-submit').click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/email or password/i);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, 'sign-in-wrong-password');

    await page.getByTestId('sign-in-password').fill(server.admin.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('people-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/people');
    expect(await page.getByTestId('current-user-name').innerText()).toBe('Administrator');
    expect(await page.getByTestId('current-user-role').innerText()).toMatch(/admin/i);
    await page.getByTestId('user-row').first().waitFor();
    await screenshot(page, 'people');

    await page.getByTestId('nav-home').click();
    await page.getByTestId('home-welcome').waitFor();
    expect(await page.getByTestId('home-welcome').innerText()).toContain('Administrator');
    await screenshot(page, 'home-admin');

    // The session survives a reload (the cookie, not page state, is the session).
    await page.reload();
    await page.getByTestId('home-welcome').waitFor();

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    // Signed out for real: the app sends us back to sign-in.
    await page.goto(new URL('/', server.url).href);
    await page.getByTestId('sign-in-form').waitFor();
    await page.context().close();
  });

  test('a session that ends while the app is open sends the user back to sign-in, then where they were', async () => {
    const page = await newPage(browser);
    await page.goto(new URL('/sign-in', server.url).href);
    await page.getByTestId('sign-in-email').fill(server.admin.email);
    await page.getByTestId('sign-in-password').fill(server.admin.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('home-welcome').waitFor();

    await page.context().clearCookies();
    await page.getByTestId('nav-people').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/people');

    await page.getByTestId('sign-in-email').fill(server.admin.email);
    await page.getByTestId('sign-in-password').fill(server.admin.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('people-page').waitFor();
    await page.context().close();
  });
});
