import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

const byPath = (page: Page, testId: string, path: string) => page.locator(`[data-testid="${testId}"][data-path="${path}"]`);

describe('routing screens (browser)', { timeout: 90_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a rep sees a routed lead in My work and acknowledges it', async () => {
    const open = await server.database.db
      .selectFrom('assignments as a')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .select(['a.id', 'u.email'])
      .where('u.role', '=', 'sales_rep')
      .where('a.record_type', '=', 'lead')
      .where('a.closed_at', 'is', null)
      .where('a.acknowledged_at', 'is', null)
      .orderBy('a.created_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const page = await newPage(browser);
    await signIn(page, server.url, open.email, server.demoPassword);
    await page.getByTestId('inbox-bell').waitFor();
    expect(Number(await page.getByTestId('inbox-bell').getAttribute('data-unread'))).toBeGreaterThanOrEqual(0);
    await page.getByTestId('routing-nav-my-work').click();
    const row = page.locator(`[data-testid="work-row"][data-assignment="${open.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).not.toBe('acknowledged');
    await screenshot(page, 'routing-my-work');
    await row.getByTestId('acknowledge').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('acknowledged');
    expect(await row.getByTestId('acknowledge').count()).toBe(0);
    const stored = await server.database.db
      .selectFrom('assignments')
      .select('acknowledged_at')
      .where('id', '=', open.id)
      .executeTakeFirstOrThrow();
    expect(stored.acknowledged_at).not.toBeNull();

    // The records list finds leads by name and links to their ownership page.
    await page.getByTestId('routing-nav-records').click();
    await page.getByTestId('records-row').first().waitFor();
    await page.getByTestId('records-search').fill('inquiry');
    await page.getByTestId('records-table').getByTestId('record-link').first().click();
    await page.getByTestId('record-owner').waitFor();
    await page.context().close();
  });

  test("a manager sees the risk queue with its charts and opens a record's why-this-owner", async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, 'dustin.brinkmann@demo.baton.dev', server.demoPassword);
    await page.getByTestId('routing-nav-risk').click();
    await page.getByTestId('risk-row').first().waitFor();
    expect(Number(await page.getByTestId('risk-breached').locator('p').last().innerText())).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="risk-row"][data-state="breached"]').count()).toBeGreaterThan(0);
    await page.getByTestId('chart-breaches-by-team').locator('.recharts-bar-rectangle').first().waitFor({ state: 'attached' });
    await page.getByTestId('chart-load-by-owner').locator('.recharts-bar-rectangle').first().waitFor({ state: 'attached' });
    await screenshot(page, 'routing-risk');

    await page.getByTestId('risk-table').getByTestId('record-link').first().click();
    await page.getByTestId('record-page').waitFor();
    await page.getByTestId('explanation').waitFor();
    expect(await page.locator('[data-testid="verdict"][data-matched="true"]').count()).toBe(1);
    expect(await page.getByTestId('explanation-owner').innerText()).toMatch(/Owner: \S+/);
    await screenshot(page, 'routing-why-owner');
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline-item').first().waitFor();
    await page.context().close();
  });

  test('revops drafts a rule set in the builder, fixes a validation error, tests a record, simulates and publishes', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, 'riley.revops@demo.baton.dev', server.demoPassword);
    await page.getByTestId('routing-nav-rulesets').click();
    await page.locator('[data-testid="ruleset-editor"][data-status="published"]').waitFor();

    await page.getByTestId('new-ruleset').click();
    await page.getByTestId('new-ruleset-name').fill('Central leads first');
    await page.getByTestId('create-ruleset').click();
    const editor = page.locator('[data-testid="ruleset-editor"][data-status="draft"]');
    await editor.waitFor();
    await expect.poll(() => page.getByTestId('validation-state').getAttribute('data-publishable')).toBe('true');

    // A new rule's condition has no value yet: the error points at exactly that input.
    await page.getByTestId('add-rule').click();
    const valueError = byPath(page, 'condition-error', 'rules[0].when.all[0].value');
    await valueError.waitFor();
    expect(await valueError.innerText()).toMatch(/required/);
    expect(await page.getByTestId('publish').isDisabled()).toBe(true);
    await screenshot(page, 'routing-builder-error');

    await byPath(page, 'condition-value', 'rules[0].when.all[0].value').fill('Central');
    await valueError.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('validation-state').getAttribute('data-errors')).toBe('0');
    expect(await page.getByTestId('validation-state').getAttribute('data-publishable')).toBe('true');
    // The JSON view shows the same rules the builder made.
    await page.getByTestId('view-toggle').getByText('JSON').click();
    expect(JSON.parse(await page.getByTestId('rules-json').inputValue())[0].when).toEqual({
      all: [{ field: 'region', op: 'eq', value: 'Central' }],
    });

    await page.getByTestId('tab-test').click();
    await page.getByTestId('test-record').click();
    await page.getByRole('option').first().click();
    await page.getByTestId('run-test').click();
    await page.getByTestId('test-result').waitFor();
    expect(await page.getByTestId('verdict').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('test-matched-rule').innerText()).not.toBe('none');
    await screenshot(page, 'routing-test-record');

    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('run-simulate').click();
    await page.getByTestId('simulation-result').waitFor();
    expect(Number(await page.getByTestId('sim-records').locator('p').last().innerText())).toBeGreaterThan(0);
    await page.getByTestId('sim-distribution-chart').locator('.recharts-bar-rectangle').first().waitFor({ state: 'attached' });
    // The demo's recent leads are Central or International: the new rule takes the Central ones.
    expect(await page.getByTestId('sim-rule-hit').first().innerText()).toMatch(/^New rule: [1-9]\d*$/);
    await page.getByTestId('sim-rule-hits').scrollIntoViewIfNeeded();
    await screenshot(page, 'routing-simulate');

    await page.getByTestId('publish').click();
    await page.locator('[data-testid="ruleset-editor"][data-status="published"]').waitFor();
    expect(await page.getByTestId('editor-notice').innerText()).toMatch(/published/i);
    expect(await page.locator('[data-testid="ruleset-row"][data-name="Central leads first"]').getAttribute('data-status')).toBe(
      'published',
    );
    await page.context().close();
  });

  test('a cross-team reassignment waits for approval; revops approves it, edits a pool, reads the exception report and clears the inbox', async () => {
    const manager = await newPage(browser);
    await signIn(manager, server.url, 'dustin.brinkmann@demo.baton.dev', server.demoPassword);
    // A lead of one of Dustin's own (Central) reps, handed to an East rep: cross-team, so it needs approval.
    const lead = await server.database.db
      .selectFrom('assignments as a')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .innerJoin('teams as t', 't.id', 'u.team_id')
      .innerJoin('users as m', 'm.id', 't.manager_id')
      .select('a.record_id')
      .where('m.email', '=', 'dustin.brinkmann@demo.baton.dev')
      .where('a.record_type', '=', 'lead')
      .where('a.closed_at', 'is', null)
      .limit(1)
      .executeTakeFirstOrThrow();
    await manager.goto(new URL(`/routing/records/lead/${lead.record_id}`, server.url).href);
    await manager.getByTestId('explanation').waitFor();
    const title = await manager.getByTestId('record-title').innerText();
    await manager.getByTestId('reassign').click();
    await manager.getByTestId('reassign-user').fill('Violet');
    await manager.getByRole('option', { name: 'Violet Mclelland' }).click();
    await manager.getByTestId('reassign-reason').fill('Customer moved to the East coast');
    await manager.getByTestId('reassign-submit').click();
    expect(await manager.getByTestId('reassign-outcome').innerText()).toMatch(/waiting for approval/i);
    await manager.context().close();

    const revops = await newPage(browser);
    await signIn(revops, server.url, 'riley.revops@demo.baton.dev', server.demoPassword);
    await revops.getByTestId('routing-nav-overrides').click();
    const request = revops.getByTestId('override-row').filter({ hasText: title });
    await request.waitFor();
    await request.getByTestId('override-approve').click();
    await revops.getByTestId('override-reason').fill('Agreed with both managers');
    await revops.getByTestId('override-submit').click();
    await request.waitFor({ state: 'detached' });
    const approved = await server.database.db
      .selectFrom('override_requests')
      .select(['status'])
      .where('reason', '=', 'Customer moved to the East coast')
      .executeTakeFirstOrThrow();
    expect(approved.status).toBe('approved');

    // Pools: edit a weight; the PATCH carries If-Match and the version moves on.
    await revops.getByTestId('routing-nav-pools').click();
    await revops.getByTestId('pool-tab').filter({ hasText: 'East reps' }).click();
    await revops.getByTestId('pool-member').first().waitFor();
    const poolBefore = await server.database.db
      .selectFrom('pools')
      .select(['id', 'version'])
      .where('name', '=', 'East reps')
      .executeTakeFirstOrThrow();
    await revops.getByTestId('pool-edit').click();
    await revops.getByTestId('member-weight').first().fill('7');
    await revops.getByTestId('pool-save').click();
    await revops.getByTestId('pool-edit').waitFor();
    const poolAfter = await server.database.db
      .selectFrom('pools')
      .select('version')
      .where('id', '=', poolBefore.id)
      .executeTakeFirstOrThrow();
    expect(poolAfter.version).toBe(poolBefore.version + 1);
    // The table refetches after the save; on a loaded machine that can land a moment after the form closes.
    await expect.poll(() => revops.getByTestId('pool-member').first().locator('td').nth(3).innerText(), { timeout: 15_000 }).toBe('7');
    await screenshot(revops, 'routing-pools');

    await revops.getByTestId('routing-nav-exceptions').click();
    await revops.getByTestId('exceptions-total').waitFor();
    expect(Number(await revops.getByTestId('exceptions-total').locator('p').last().innerText())).toBeGreaterThan(0);
    expect(await revops.getByTestId('exceptions-csv').getAttribute('href')).toMatch(
      /\/api\/v1\/reports\/routing-exceptions\/csv\?from=.+&to=.+/,
    );
    await screenshot(revops, 'routing-exceptions');

    await revops.getByTestId('inbox-bell').click();
    await revops.getByTestId('notification').first().waitFor();
    await revops.getByTestId('mark-all-read').click();
    await expect.poll(() => revops.getByTestId('inbox-bell').getAttribute('data-unread')).toBe('0');
    expect(await revops.locator('[data-testid="notification"][data-read="false"]').count()).toBe(0);
    await revops.context().close();
  });
});
