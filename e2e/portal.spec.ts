import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';

const seededComponents = [
  'payments',
  'checkout',
  'orders',
  'inventory',
  'notifications',
  'pilothouse',
];

async function enterAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page.getByRole('navigation', { name: 'sidebar nav' }),
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
      page.getByRole('heading', { name: 'checkout', exact: true }).first(),
    ).toBeVisible();
    // The About card names the owning team.
    await expect(
      page.getByRole('link', { name: 'checkout-team' }).first(),
    ).toBeVisible();
    // Dependencies and consumed APIs are shown as relations.
    await page.getByRole('tab', { name: 'Dependencies' }).click();
    await expect(
      page.getByRole('link', { name: 'inventory', exact: true }).first(),
    ).toBeVisible();
  });

  test('Search finds a component by name', async ({ page }) => {
    // The search index is built shortly after start; retry until it is.
    await expect(async () => {
      await page.goto('/search?query=inventory');
      await expect(
        page.getByRole('link', { name: /^inventory$/ }).first(),
      ).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 60_000 });
  });

  test('the Create page lists the software templates', async ({ page }) => {
    await page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Create...' })
      .click();
    await expect(
      page.getByText('Document an existing service').first(),
    ).toBeVisible();
  });
});

test.describe('as people signed in through the proxy', () => {
  test('a second person sees their own identity', async ({ browser }) => {
    const alice = await browser.newContext({
      extraHTTPHeaders: { 'x-forwarded-user': 'alice' },
    });
    const page = await alice.newPage();
    await page.goto('/settings');
    await expect(page.getByText('Alice Moreau').first()).toBeVisible();
    await expect(page.getByText('user:default/alice').first()).toBeVisible();
    await alice.close();

    const bob = await browser.newContext({
      extraHTTPHeaders: { 'x-forwarded-user': 'bob' },
    });
    const bobPage = await bob.newPage();
    await bobPage.goto('/settings');
    await expect(bobPage.getByText('Bob Okafor').first()).toBeVisible();
    await expect(bobPage.getByText('Alice Moreau')).toHaveCount(0);
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
        { env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL }, stdio: 'pipe' },
      ),
    ).toThrow(/sign-in as mallory failed/);
  });
});
