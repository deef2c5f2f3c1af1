import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

const CUSTOMER = 'Helios Robotics';
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Opens one of the partner's registrations from a fresh load of the portal (so nothing is served from cache). */
async function openPortalRegistration(page: Page, customer: string): Promise<void> {
  await page.reload();
  await page.getByTestId('portal-registration-row').filter({ hasText: customer }).getByText(customer).click();
  await page.getByTestId('portal-registration').waitFor();
}
const portalStatus = (page: Page) => page.getByTestId('portal-registration').getByTestId('status-badge').first();

describe('partner portal writes (browser)', { timeout: 180_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a partner registers a deal, answers a request for info, gets it approved with an expiry, and withdraws another', async () => {
    const partner = await newPage(browser);
    await signIn(partner, server.url, 'nora.northwind@demo.baton.dev', server.demoPassword);
    await partner.getByTestId('register-deal').click();
    await partner.getByTestId('reg-customerName').fill(CUSTOMER);
    await partner.getByTestId('reg-customerDomain').fill('helios-robotics.example');
    await partner.getByTestId('reg-customerCountry').fill('US');
    await partner.getByTestId('reg-customerRegion').fill('Central');
    await partner.getByTestId('reg-productLine').fill('GTX');
    await partner.getByTestId('reg-amount').fill('12,500.50');
    await partner.getByTestId('reg-expectedCloseDate').fill('2020-01-15');
    await partner.getByTestId('reg-description').fill('Two assembly lines, pilot first.');
    await partner.getByTestId('reg-reference').fill('NW-2026-77');
    await partner.getByTestId('reg-submit').click();

    // The server's problem names expectedCloseDate; the form shows it on that field and nothing was created.
    await partner.getByText('must not be in the past').waitFor();
    expect(await partner.getByTestId('reg-expectedCloseDate').getAttribute('aria-invalid')).toBe('true');
    expect(await partner.getByTestId('register-deal-form').innerText()).not.toMatch(/Not registered/);
    await screenshot(partner, 'portal-register-field-error');

    await partner.getByTestId('reg-expectedCloseDate').fill(isoDay(90));
    await partner.getByTestId('reg-submit').click();
    await partner.getByTestId('portal-registration').waitFor();
    await portalStatus(partner)
      .filter({ hasText: /under review/i })
      .waitFor();
    const detail = await partner.getByTestId('portal-registration').innerText();
    expect(detail).toContain(CUSTOMER);
    expect(detail).toContain('$12,500.50');
    expect(detail).toContain('NW-2026-77');

    await partner.getByTestId('activity-kind').selectOption('meeting');
    await partner.getByTestId('activity-subject').fill('Kick-off with the plant manager');
    await partner.getByTestId('activity-notes').fill('Agreed on the pilot scope.');
    await partner.getByTestId('activity-submit').click();
    await partner
      .getByTestId('portal-registration')
      .getByText(/meeting · Kick-off with the plant manager/)
      .waitFor();
    await screenshot(partner, 'portal-registration-activity');

    // The channel manager asks for more information.
    const manager = await newPage(browser);
    await signIn(manager, server.url, 'chandra.channel@demo.baton.dev', server.demoPassword);
    await manager.getByTestId('channel-nav-registrations').click();
    await manager.getByTestId('registration-row').filter({ hasText: CUSTOMER }).getByRole('link').click();
    await manager.getByTestId('registration-detail').waitFor();
    const managerUrl = manager.url();
    await manager.getByTestId('return-info').fill('Who signs the purchase order?');
    await manager.getByTestId('return').click();
    await manager
      .getByTestId('status-badge')
      .filter({ hasText: /returned/i })
      .first()
      .waitFor();

    // The partner sees the request, answers it in the prefilled form and resubmits.
    await openPortalRegistration(partner, CUSTOMER);
    await portalStatus(partner)
      .filter({ hasText: /returned/i })
      .waitFor();
    expect(await partner.getByTestId('portal-info-request').innerText()).toMatch(/purchase order/);
    expect(await partner.getByTestId('reg-customerName').inputValue()).toBe(CUSTOMER);
    expect(await partner.getByTestId('reg-amount').inputValue()).toBe('12500.5');
    await partner.getByTestId('reg-description').fill('Two assembly lines, pilot first. PO signed by Dana Reyes, COO.');
    await screenshot(partner, 'portal-resubmit');
    await partner.getByTestId('resubmit-submit').click();
    await portalStatus(partner)
      .filter({ hasText: /under review/i })
      .waitFor();
    expect(await partner.getByTestId('portal-registration').innerText()).toMatch(/Dana Reyes/);

    // The manager approves (overriding any flags the matcher raised).
    await manager.goto(managerUrl);
    await manager.getByTestId('decision-panel').waitFor();
    if ((await manager.getByTestId('approve-override').count()) > 0) await manager.getByTestId('approve-override').check({ force: true });
    await manager.getByTestId('approve').click();
    await manager
      .getByTestId('status-badge')
      .filter({ hasText: /approved/i })
      .first()
      .waitFor();
    await manager.context().close();

    // The partner sees it approved, with an exclusivity expiry.
    await openPortalRegistration(partner, CUSTOMER);
    await portalStatus(partner)
      .filter({ hasText: /approved/i })
      .waitFor();
    expect(await partner.getByTestId('portal-expires').innerText()).toMatch(/Expires: \S*\d/);
    await partner.getByText('My registrations').first().click();
    await partner.getByTestId('portal-registration-row').filter({ hasText: CUSTOMER }).getByTestId('expiry-countdown').waitFor();
    await screenshot(partner, 'portal-approved');

    // A different registration, withdrawn with a reason.
    await openPortalRegistration(partner, 'Pinnacle Manufacturing');
    await partner.getByTestId('withdraw-reason').fill('Customer postponed the project');
    await partner.getByTestId('withdraw-submit').click();
    await portalStatus(partner)
      .filter({ hasText: /withdrawn/i })
      .waitFor();
    expect(await partner.getByTestId('withdraw-form').count()).toBe(0);
    await partner.context().close();
  });

  test('a partner admin adds a user and deactivates them', async () => {
    const admin = await newPage(browser);
    await signIn(admin, server.url, 'nora.northwind@demo.baton.dev', server.demoPassword);
    await admin.getByTestId('portal-tab-users').click();
    await admin.getByTestId('portal-user-row').first().waitFor();
    await admin.getByTestId('user-name').fill('Nia Northwind');
    await admin.getByTestId('user-email').fill('nia.northwind@northwind.example');
    await admin.getByTestId('user-add').click();
    const row = admin.getByTestId('portal-user-row').filter({ hasText: 'nia.northwind@northwind.example' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/active/i);
    await row.getByTestId('user-deactivate-open').click();
    await admin.getByTestId('user-deactivate-reason').fill('Left the company');
    await admin.getByTestId('user-deactivate').click();
    await row.filter({ hasText: /deactivated/i }).waitFor();
    await screenshot(admin, 'portal-users');
    await admin.context().close();

    // A partner user has no Users tab.
    const user = await newPage(browser);
    await signIn(user, server.url, 'ned.northwind@demo.baton.dev', server.demoPassword);
    await user.getByTestId('portal-tab-registrations').waitFor();
    expect(await user.getByTestId('portal-tab-users').count()).toBe(0);
    await user.context().close();
  });

  test("an account's record page links to its channel view", async () => {
    const manager = await newPage(browser);
    await signIn(manager, server.url, 'chandra.channel@demo.baton.dev', server.demoPassword);
    await manager.getByTestId('channel-nav-registrations').click();
    await manager.getByTestId('registration-row').filter({ hasText: 'Quartz Analytics' }).first().getByRole('link').click();
    await manager.getByText('Account channel view').click();
    await manager.getByTestId('account-channel').waitFor();
    const channelPath = new URL(manager.url()).pathname;
    const accountId = channelPath.split('/').pop()!;
    expect(accountId).toMatch(/^[0-9a-f-]{36}$/);

    await manager.goto(new URL(`/routing/records/account/${accountId}`, server.url).href);
    await manager.getByTestId('record-page').waitFor();
    await manager.getByTestId('account-channel-link').click();
    await manager.getByTestId('account-channel').waitFor();
    expect(new URL(manager.url()).pathname).toBe(channelPath);
    await manager.context().close();
  });
});
