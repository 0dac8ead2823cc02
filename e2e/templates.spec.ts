import { expect, test } from '@playwright/test';

/*
 * The service pipeline template, as a person runs it: the form, the run with
 * the laptop's local publish (a Git repository under data/repos), and the new
 * component in the catalog.
 */
test('a new service with a hardened pipeline is scaffolded, published locally and appears in the catalog', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': 'carol' },
  });
  const page = await context.newPage();
  const name = `e2e-svc-${Date.now().toString(36)}`;
  await page.goto('/create/templates/default/service-pipeline');

  // A bad name is refused in the form, naming the rule.
  const nameBox = page.getByRole('textbox', { name: 'Service name' });
  await nameBox.fill('Not A Name');
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.pressSequentially('platform');
  await page
    .getByRole('option', { name: /platform/i })
    .first()
    .click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(/must match pattern|Lower-case letters/).first(),
  ).toBeVisible();
  await nameBox.fill(name);
  await page.getByRole('button', { name: 'Next' }).click();

  // Build and checks, Deploy, Repository: the defaults (Node, GitHub
  // Actions, canary with SLO rollback, local publish).
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(
    page.getByText(/Commit to a local repository/).first(),
  ).toBeVisible({
    timeout: 60_000,
  });
  const open = page.getByRole('link', {
    name: 'Open the component in the catalog',
  });
  await expect(open).toBeVisible({ timeout: 90_000 });
  await open.click();
  // The catalog processes the new location within seconds; the page shows
  // the component once it has.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('heading', { name, exact: true })).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000 });
  // It records the template it came from, which is the current version.
  await expect(page.getByLabel('Template version')).toContainText('Up to date');
  await context.close();
});

test('a component generated from an older template version says a newer one exists', async ({
  browser,
}) => {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': 'carol' },
  });
  const page = await context.newPage();
  // catalog/components.yaml: orders was generated from service-pipeline@0.9.0.
  await page.goto('/catalog/default/component/orders');
  const card = page.getByLabel('Template version');
  await expect(card).toContainText('Generated from Service pipeline 0.9.0');
  await expect(card.getByText('Version 1.0.0 available')).toBeVisible();
  // Updating opens the template's form filled in for orders: an update,
  // its name, owner and language, and its GitHub repository (from the
  // catalog entity), to bring the new version as a pull request.
  await card.getByRole('link', { name: 'Update to 1.0.0' }).click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/service-pipeline\?formData=/,
  );
  await expect(
    page.getByText(
      'An update of a repository generated from an earlier version of this template',
    ),
  ).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Service name' })).toHaveValue(
    'orders',
  );
  await expect(page.getByRole('textbox', { name: 'Owner' })).toHaveValue(
    /checkout-team/,
  );
  await context.close();
});
