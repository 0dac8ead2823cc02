import { expect, test } from '@playwright/test';

/*
 * The AI Gateway page against the running gateway backend: a platform admin
 * (carol, through the sign-in proxy header) tries a text in the playground.
 */

const email = 'alice@example.com';
// AWS's documented example access key id, not a real credential.
const awsKey = 'AKIAIOSFODNN7EXAMPLE';

test('the playground marks an e-mail address and an AWS key and refuses to send them', async ({
  browser,
}) => {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': 'carol' },
  });
  const page = await context.newPage();
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'AI Gateway', exact: true })
    .click();
  await expect(page).toHaveURL(/\/llm-gateway\/playground$/);

  await page
    .getByRole('textbox', { name: 'Text to inspect' })
    .fill(`Please mail ${email} the deploy key ${awsKey} before Friday.`);
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();

  // Each finding is marked in the text with its type.
  await expect(page.locator('mark', { hasText: email })).toHaveAttribute(
    'data-finding-type',
    'EMAIL',
  );
  await expect(page.locator('mark', { hasText: awsKey })).toHaveAttribute(
    'data-finding-type',
    'SECRET',
  );
  const findings = page.getByRole('table', { name: 'Findings' });
  await expect(findings.getByRole('cell', { name: email })).toBeVisible();
  await expect(findings.getByRole('cell', { name: awsKey })).toBeVisible();

  // A secret must not reach a model: the gateway blocks the request.
  await expect(
    page.getByLabel('Decision').getByText('Denied', { exact: true }),
  ).toBeVisible();
  await context.close();
});

test('someone who is not a platform admin sees the policies read-only', async ({
  browser,
}) => {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': 'alice' },
  });
  const page = await context.newPage();
  await page.goto('/llm-gateway/policies');
  await expect(
    page.getByText('Only platform admins can change gateway settings.'),
  ).toBeVisible();
  await expect(
    page.getByRole('textbox', { name: 'Policy source (YAML)' }),
  ).not.toBeEditable();
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
  await context.close();
});
