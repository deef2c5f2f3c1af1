import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { createPurchaseOrder } from '../../src/orders/use-cases/create-purchase-order.js';
import { makeWorld } from '../orders/world.js';
import { startTestServer } from '../support/test-server.js';
import { launchBrowser, newPage, screenshot, signIn } from './browser.js';

const OPS = 'olga.operations@demo.baton.dev';
const FINANCE = 'farah.finance@demo.baton.dev';

/** The numbers in the order page's line table for one bucket column, read from the rendered cells. */
async function bucket(page: Page, name: string): Promise<number> {
  const headers = await page.getByTestId('order-lines').locator('thead th').allInnerTexts();
  const column = headers.indexOf(name);
  return Number(await page.getByTestId('order-lines').locator('tbody tr').first().locator('td').nth(column).innerText());
}

describe('order journey (browser)', { timeout: 300_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('ops takes a fresh order from allocation to credit; finance invoices and approves a PO that ops receives', async () => {
    const w = await makeWorld(server.database.db, systemClock, { stock: [10, 0], invoicePolicy: 'on_shipment' });
    const order = await createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, paymentStatus: 'paid', lines: [{ itemId: w.item.id, qty: 6, unitPriceMinor: 1000 }] });
    await createPurchaseOrder(w.ctx, { supplier: 'Journey Supplier', locationId: w.a.id, lines: [{ itemId: w.item.id, qty: 1000, unitCostMinor: 600 }] });

    const ops = await newPage(browser);
    await signIn(ops, server.url, OPS, server.demoPassword);
    await ops.goto(new URL(`/orders/${order.id}`, server.url).href);
    await ops.getByTestId('order-detail').waitFor();

    // allocate → release (the decision is shown) → ship 4 of 6 → the rest stays allocated
    await ops.getByTestId('allocate').click();
    await expect.poll(() => ops.getByTestId('allocate').count(), { timeout: 20_000 }).toBe(0);
    expect(await bucket(ops, 'allocated')).toBe(6);
    await ops.getByTestId('release-order').click();
    await ops.getByTestId('release-decision').waitFor();
    expect(await ops.getByTestId('release-outcome').innerText()).toMatch(/pass/i);
    await ops.getByTestId('ship-qty').first().fill('4');
    await ops.getByTestId('ship').click();
    await expect.poll(() => bucket(ops, 'shipped'), { timeout: 20_000 }).toBe(4);
    expect(await bucket(ops, 'allocated')).toBe(2);
    expect(await ops.getByTestId('order-status').innerText()).toMatch(/partially shipped/i);
    // ops may not post invoices: the step is not offered to them
    expect(await ops.getByTestId('post-invoice').count()).toBe(0);
    await screenshot(ops, 'order-journey-shipped');

    // finance posts the invoice for the shipped units
    const finance = await newPage(browser);
    await signIn(finance, server.url, FINANCE, server.demoPassword);
    await finance.goto(new URL(`/orders/${order.id}`, server.url).href);
    await finance.getByTestId('post-invoice').click();
    await expect.poll(() => bucket(finance, 'invoiced'), { timeout: 20_000 }).toBe(4);

    // ops authorizes a return of 2, receives it (1 restocked, 1 quarantined) and posts the goods credit
    await ops.reload();
    await ops.getByTestId('order-detail').waitFor();
    await ops.getByTestId('return-location').click();
    await ops.getByRole('option', { name: new RegExp(w.a.code) }).click();
    await ops.getByTestId('return-reason').fill('arrived damaged');
    await ops.getByTestId('return-qty').first().fill('2');
    await ops.getByTestId('authorize-return').click();
    await ops.getByTestId('action-receive-return').waitFor({ timeout: 20_000 });
    expect(await bucket(ops, 'returnAuthorized')).toBe(2);
    await ops.getByTestId('receive-restock').first().fill('1');
    await ops.getByTestId('receive-quarantine').first().fill('1');
    await ops.getByTestId('receive-return').click();
    await ops.getByTestId('post-credit').waitFor({ timeout: 20_000 });
    expect(await bucket(ops, 'returnReceived')).toBe(2);
    await ops.getByTestId('post-credit').click();
    await expect.poll(() => bucket(ops, 'credited'), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => ops.getByTestId('post-credit').count(), { timeout: 20_000 }).toBe(0);
    await screenshot(ops, 'order-journey-credited');

    // the returns page lists it with its received quantities and the credit memo
    await ops.getByTestId('nav-returns').click();
    const row = ops.getByTestId('return-row').filter({ hasText: `#${order.number}` });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/received/i);
    expect(await row.innerText()).toMatch(new RegExp(`${w.item.sku}: 2 / 2: 1 · 1 · 0 / 2`));
    expect(await ops.getByTestId('credit-memo-row').filter({ hasText: `#${order.number}` }).count()).toBe(1);
    await screenshot(ops, 'returns-and-credits');

    // purchasing: finance approves the PO above the threshold, ops receives it
    await finance.getByTestId('nav-purchasing').click();
    const financeRow = finance.getByTestId('po-row').filter({ hasText: 'Journey Supplier' });
    await financeRow.getByTestId('approve-po').click();
    await expect.poll(() => financeRow.getByTestId('po-status').innerText(), { timeout: 20_000 }).toMatch(/ordered/i);
    await screenshot(finance, 'purchasing-approved');
    await ops.getByTestId('nav-purchasing').click();
    const opsRow = ops.getByTestId('po-row').filter({ hasText: 'Journey Supplier' });
    expect(await opsRow.getByTestId('approve-po').count()).toBe(0);
    await opsRow.getByTestId('receive-po').click();
    await expect.poll(() => opsRow.getByTestId('po-status').innerText(), { timeout: 20_000 }).toMatch(/received/i);
    expect(await opsRow.innerText()).toMatch(new RegExp(`${w.item.sku}: 1000 / 1000`));
    await screenshot(ops, 'purchasing-received');

    await ops.context().close();
    await finance.context().close();
  });
});
