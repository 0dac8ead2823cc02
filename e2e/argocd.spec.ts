import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Browser, expect, Page, test } from '@playwright/test';

/*
 * The Argo CD card on entity pages reads the sandbox's Argo CD stand-in
 * through the Backstage proxy (/api/proxy/argocd/api).
 */

async function signedInPage(browser: Browser) {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': 'alice' },
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', message => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', error => consoleErrors.push(error.message));
  return { context, page, consoleErrors };
}

/** The row of the Argo CD overview card's table for one application. */
function overviewRow(page: Page, app: string) {
  const card = page
    .getByRole('heading', { name: 'ArgoCD overview' })
    .locator('xpath=ancestor::div[contains(@class, "MuiPaper-root")][1]');
  return card.getByRole('row').filter({ hasText: app });
}

// The Argo CD card is the last card of the overview page to load (after the
// catalog's own cards), so the first look at each page waits longer.
const PAGE_LOADED = { timeout: 45_000 };

test('a component’s overview shows its Argo CD sync and health from the sandbox', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { context, page, consoleErrors } = await signedInPage(browser);

  await page.goto('/catalog/default/component/payments');
  const payments = overviewRow(page, 'payments');
  await expect(payments.getByRole('cell', { name: 'Synced' })).toBeVisible(
    PAGE_LOADED,
  );
  await expect(payments.getByRole('cell', { name: 'Healthy' })).toBeVisible();
  // The seeded last deploy finished a day ago.
  await expect(payments).toContainText(/\d+ (hours?|days?) ago/);

  // The statuses come from Argo CD, not from the page: orders is seeded
  // OutOfSync.
  await page.goto('/catalog/default/component/orders');
  await expect(
    overviewRow(page, 'orders').getByRole('cell', { name: 'OutOfSync' }),
  ).toBeVisible(PAGE_LOADED);

  expect(consoleErrors).toEqual([]);
  await context.close();
});

test('the Argo CD tab lists a component’s deploys with their commits', async ({
  browser,
}) => {
  const { context, page, consoleErrors } = await signedInPage(browser);
  await page.goto('/catalog/default/component/payments');
  // The tab sits in the Deployment group, beside Kubernetes.
  await page.getByRole('button', { name: 'Deployment' }).click(PAGE_LOADED);
  await page.getByRole('menuitemradio', { name: 'Argo CD' }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/payments\/argocd$/,
  );
  const history = page
    .getByRole('heading', { name: 'ArgoCD history' })
    .locator('xpath=ancestor::div[contains(@class, "MuiPaper-root")][1]');
  for (const n of [3, 2, 1]) {
    await expect(
      history.getByText(`Commit ${n} of pilothouse-demo/payments`),
    ).toBeVisible(PAGE_LOADED);
  }
  expect(consoleErrors).toEqual([]);
  await context.close();
});

test('entities that name no Argo CD application get no Argo CD card', async ({
  browser,
}) => {
  const { context, page } = await signedInPage(browser);
  await page.goto('/catalog/default/system/payments-platform');
  await expect(
    page.getByRole('heading', { name: 'payments-platform', level: 2 }),
  ).toBeVisible(PAGE_LOADED);
  // The page's cards have loaded; no Argo CD card, and no "missing
  // annotation" one.
  await expect(page.getByRole('heading', { name: 'About' })).toBeVisible(
    PAGE_LOADED,
  );
  await expect(page.getByRole('heading', { name: 'Relations' })).toBeVisible(
    PAGE_LOADED,
  );
  await expect(page.getByRole('progressbar')).toHaveCount(0, PAGE_LOADED);
  await expect(page.getByText('ArgoCD overview')).toHaveCount(0);
  await expect(page.getByText(/argocd\/app-name/)).toHaveCount(0);
  await context.close();
});

test('the Argo CD proxy answers only signed-in users, and only reads', async ({
  request,
  baseURL,
}) => {
  const app = '/api/proxy/argocd/api/applications/payments';
  expect((await request.get(app)).status()).toBe(401);

  const token = execFileSync(
    process.execPath,
    [path.join(__dirname, '../scripts/user-token.js'), 'alice'],
    { env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL } },
  )
    .toString()
    .trim();
  const headers = { authorization: `Bearer ${token}` };
  const before = await request.get(app, { headers });
  expect(before.status()).toBe(200);
  const { status } = await before.json();
  expect(status.sync.status).toBe('Synced');

  // A sync through the proxy is not passed on: writes go through mcp-cicd.
  const sync = await request.post(`${app}/sync`, { headers, data: {} });
  expect(sync.ok()).toBe(false);
  const after = await (await request.get(app, { headers })).json();
  expect(after.status.history).toHaveLength(status.history.length);
});
