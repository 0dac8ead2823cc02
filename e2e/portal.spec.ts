import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';

// Components are listed by their titles.
const seededComponents = [
  'Payments Service',
  'Checkout Service',
  'Orders Service',
  'Inventory Service',
  'Notifications Service',
  'Pilothouse',
];

async function enterAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

test.describe('as the guest on a laptop', () => {
  test.beforeEach(async ({ page }) => enterAsGuest(page));

  test('the catalog lists the seeded components', async ({ page }) => {
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true })
      .click();
    const table = page.getByRole('table');
    for (const name of seededComponents) {
      await expect(
        table.getByRole('link', { name, exact: true }),
      ).toBeVisible();
    }
  });

  test('an entity page shows its owner and relations', async ({ page }) => {
    await page.goto('/catalog/default/component/checkout');
    await expect(
      page.getByRole('heading', { name: 'Checkout Service', level: 2 }),
    ).toBeVisible();
    // The About card names the owning team.
    const owner = page
      .getByRole('heading', { name: 'Owner', exact: true })
      .locator('..');
    await expect(owner.getByText('Checkout Team')).toBeVisible();
    // Relations: the APIs it consumes and the components it depends on.
    await expect(
      page.getByRole('heading', { name: 'Consumed APIs' }),
    ).toBeVisible();
    await expect(
      page.getByRole('link', { name: 'Payments API', exact: true }),
    ).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Depends on components' }),
    ).toBeVisible();
    await page
      .getByRole('link', { name: 'Inventory Service', exact: true })
      .click();
    await expect(
      page.getByRole('heading', { name: 'Inventory Service', level: 2 }),
    ).toBeVisible();
  });

  test('Search finds a component by name', async ({ page }) => {
    test.setTimeout(150_000);
    // The index is built shortly after start (and rebuilt every minute on
    // the laptop default); retry until it has the component.
    await expect(async () => {
      await page.goto('/search?query=inventory');
      await expect(
        page.getByText(/Tracks stock levels per SKU/).first(),
      ).toBeVisible({ timeout: 15_000 });
    }).toPass({ timeout: 130_000 });
  });

  test('the Create page lists the software templates', async ({ page }) => {
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Create', exact: true })
      .click();
    await expect(
      page.getByText('Document an existing service').first(),
    ).toBeVisible();
  });
});

test('a broken entity file is reported readably, and the rest still loads', async ({
  page,
}) => {
  await enterAsGuest(page);
  await page.goto('/catalog/default/component/ledger');
  await expect(
    page.getByRole('heading', { name: 'ledger', level: 2 }),
  ).toBeVisible();

  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Unprocessed Entities' })
    .click();
  // The page has tabs for failed and pending entities; the broken entity
  // never processed, so it is pending, and its raw view carries the error.
  await page.getByRole('tab', { name: 'Pending' }).click();
  const row = page
    .getByRole('row')
    .filter({ hasText: 'group:default/payments-team' });
  await row.getByRole('button').last().click();
  const raw = page.getByRole('dialog');
  await expect(raw).toContainText(
    'Policy check failed for component:default/not a valid name!',
  );
  await expect(raw).toContainText('is not valid; expected a string');
});

test.describe('as people signed in through the proxy', () => {
  test('a second person sees their own identity', async ({ browser }) => {
    const alice = await browser.newContext({
      extraHTTPHeaders: { 'x-forwarded-user': 'alice' },
    });
    const page = await alice.newPage();
    await page.goto('/settings');
    await expect(page.getByText('Alice Moreau').first()).toBeVisible();
    await expect(page.getByText('Payments Team').first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Enter' })).toHaveCount(0);
    await alice.close();

    const bob = await browser.newContext({
      extraHTTPHeaders: { 'x-forwarded-user': 'bob' },
    });
    const bobPage = await bob.newPage();
    await bobPage.goto('/settings');
    await expect(bobPage.getByText('Bob Okafor').first()).toBeVisible();
    await expect(bobPage.getByText('Alice Moreau')).toHaveCount(0);
    await expect(bobPage.getByText('Payments Team')).toHaveCount(0);
    await bob.close();
  });

  test('yarn user-token prints a token that acts as that user', async ({
    request,
    baseURL,
  }) => {
    const token = execFileSync(
      process.execPath,
      [path.join(__dirname, '../scripts/user-token.js'), 'user:default/bob'],
      { env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL } },
    )
      .toString()
      .trim();
    const res = await request.get('/api/auth/v1/userinfo', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status()).toBe(200);
    expect((await res.json()).claims.sub).toBe('user:default/bob');

    // Someone who is not in the catalog gets no token.
    expect(() =>
      execFileSync(
        process.execPath,
        [path.join(__dirname, '../scripts/user-token.js'), 'mallory'],
        {
          env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL },
          stdio: 'pipe',
        },
      ),
    ).toThrow(/sign-in as mallory failed/);
  });
});
