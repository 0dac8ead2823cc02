import { expect, test, type Browser, type Page } from '@playwright/test';

/*
 * The SLOs page and an SLO's page, against the seeded SLOs (catalog/) and
 * the sandbox's metrics, where payments burns its error budget and the
 * other services are healthy.
 */

async function signIn(browser: Browser, user: string) {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': user },
  });
  return { context, page: await context.newPage() };
}

function sloRows(page: Page) {
  return page
    .getByRole('region', { name: 'SLOs' })
    .getByRole('table')
    .locator('tbody tr');
}

/** The budget chart has an area drawn from data, not an empty frame. */
async function expectBudgetChart(page: Page) {
  const chart = page.getByRole('figure', {
    name: 'Error budget remaining over the window',
  });
  await expect(chart.locator('svg').first()).toBeVisible();
  await expect(chart.locator('path.recharts-area-area')).toHaveAttribute(
    'd',
    /^M[\d.\-]+/,
  );
}

test('the SLOs page lists the burning service first', async ({ browser }) => {
  const { context, page } = await signIn(browser, 'alice');
  await page.goto('/');
  const sidebarLink = page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'SLOs', exact: true });
  // A click while the home page is still signing in can be lost: retry it.
  await expect(async () => {
    await sidebarLink.click();
    await expect(page).toHaveURL(/\/slos$/, { timeout: 2_000 });
  }).toPass();

  const first = sloRows(page).first();
  await expect(
    first.getByRole('link', { name: /^payments( service)?$/i }),
  ).toBeVisible();
  await expect(first.getByLabel('Status: Burning')).toBeVisible();
  // Everything below it is in less trouble: no other service is burning.
  await expect(page.getByLabel('Status: Burning')).toHaveCount(1);
  await expect(
    sloRows(page).filter({ hasText: 'checkout' }).first(),
  ).toBeVisible();
  await context.close();
});

test('the burning SLO’s page shows the budget chart and the burn-rate table', async ({
  browser,
}) => {
  const { context, page } = await signIn(browser, 'alice');
  await page.goto('/slos');
  const first = sloRows(page).first();
  await expect(first.getByLabel('Status: Burning')).toBeVisible();
  await first.getByRole('link').first().click();
  await expect(page).toHaveURL(/\/catalog\/default\/slo\//);

  await expectBudgetChart(page);
  const alerts = page.getByRole('table', { name: 'Alerts per window pair' });
  await expect(alerts.getByRole('row')).toHaveCount(4);
  await expect(
    alerts
      .getByRole('row')
      .filter({ hasText: 'Fast burn' })
      .getByText('firing'),
  ).toBeVisible();
  await expect(page.getByText(/^groups:/).first()).toBeVisible();
  await context.close();
});

test('the payments component has an SLOs tab with the same figures', async ({
  browser,
}) => {
  const { context, page } = await signIn(browser, 'alice');
  await page.goto('/catalog/default/component/payments');
  // The entity page's tab, not the sidebar's link of the same name.
  await page
    .getByRole('link', { name: 'SLOs', exact: true })
    .and(page.locator('[href$="/component/payments/slos"]'))
    .click();
  await expect(page).toHaveURL(/\/component\/payments\/slos$/);
  await expectBudgetChart(page);
  await expect(
    page.getByRole('table', { name: 'Alerts per window pair' }).first(),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Logs of payments' }).first(),
  ).toHaveAttribute('href', /\/logs\?q=service%3Apayments$/);
  await context.close();
});
