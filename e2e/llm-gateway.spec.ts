import { execFileSync } from 'child_process';
import path from 'path';
import { expect, test, type Browser, type Page } from '@playwright/test';

/*
 * The AI Gateway page against the running gateway backend, as a platform
 * admin (carol) and as someone who is not one (alice) sign in through the
 * proxy header.
 */

const email = 'alice@example.com';
// AWS's documented example access key id: the secret detector (secretlint)
// knows it from the docs and lets it through.
const awsExampleKey = 'AKIAIOSFODNN7EXAMPLE';
// A key id of the real shape, assembled here so that no scanner takes this
// file for a leak; not a credential.
const awsKey = ['AKIA', 'Z7VRSQ5T', 'JN2XHP4Y'].join('');

/** A signed-in page that records what the browser console reports as errors. */
async function signIn(browser: Browser, user: string) {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': user },
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', message => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', error => consoleErrors.push(error.message));
  return { context, page, consoleErrors };
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name, exact: true }).click();
}

test('the playground marks an e-mail address and an AWS key, refuses them, and the audit log records it', async ({
  browser,
}) => {
  const { context, page, consoleErrors } = await signIn(browser, 'carol');
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'AI Gateway', exact: true })
    .click();
  await expect(page).toHaveURL(/\/llm-gateway\/playground$/);

  const text = page.getByRole('textbox', { name: 'Text to inspect' });
  const inspect = page.getByRole('button', { name: 'Inspect', exact: true });
  const decision = page.getByLabel('Decision');

  // The documentation's example key is no secret; the address still is
  // personal data, redacted before it would reach a model.
  await text.fill(
    `Please mail ${email} the key ${awsExampleKey} from the docs.`,
  );
  await inspect.click();
  await expect(page.locator('mark', { hasText: email })).toHaveAttribute(
    'data-finding-type',
    'EMAIL',
  );
  await expect(page.locator('mark', { hasText: awsExampleKey })).toHaveCount(0);
  await expect(decision.getByText('Allowed', { exact: true })).toBeVisible();

  await text.fill(
    `Please mail ${email} the deploy key ${awsKey} before Friday.`,
  );
  await inspect.click();

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
  await expect(decision.getByText('Denied', { exact: true })).toBeVisible();

  // Policy, asked about a tool that changes things, answers for the user.
  await page
    .getByRole('textbox', { name: 'Tool' })
    .fill('kubernetes.scale_deployment');
  await page.getByRole('button', { name: 'Evaluate policy' }).click();
  await expect(page.getByLabel('Policy decision')).toContainText('Rule:');

  // The inspection is in the audit log (counts, never the values), and the
  // log's hash chain verifies.
  await openTab(page, 'Audit');
  await expect(page).toHaveURL(/\/llm-gateway\/audit$/);
  await expect(page.getByText(/^Chain verified: \d+ records$/)).toBeVisible();
  const newest = page
    .getByRole('table', { name: 'Audit records' })
    .getByRole('row')
    .nth(1);
  await expect(newest).toContainText('user:default/carol');
  await expect(newest).toContainText('inspect');
  await expect(newest).toContainText('SECRET:aws-access-key ×1');
  await expect(newest).not.toContainText(awsKey);

  expect(consoleErrors).toEqual([]);
  await context.close();
});

test('a platform admin validates, saves and restores a repository policy', async ({
  browser,
}) => {
  const { context, page, consoleErrors } = await signIn(browser, 'carol');
  await page.goto('/llm-gateway/policies');

  // The repository's policies (policies/gateway/*.yaml), loaded at start.
  const list = page.getByRole('list', { name: 'Policies' });
  await expect(list.getByRole('button', { name: /^access/ })).toBeVisible();
  await list.getByRole('button', { name: /^guardrails/ }).click();
  await expect(page.getByText('Policy: guardrails')).toBeVisible();
  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.getByText('repository file').first()).toBeVisible();

  const editor = page.getByRole('textbox', { name: 'Policy source (YAML)' });
  const original = await editor.inputValue();

  // Broken YAML: the error names its line.
  await editor.fill(`${original}\n  rules: [unclosed\n`);
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText(/problems? in this policy/)).toBeVisible();
  await expect(
    page.getByRole('button', { name: /^Line \d+: / }).first(),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();

  // A harmless change (a comment line) saved as a new version.
  const note = `e2e check ${Date.now()}`;
  await editor.fill(`${original}# ${note}\n`);
  await page.getByRole('textbox', { name: 'Comment' }).fill(note);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(
    page.getByText(/^Saved guardrails as version \d+$/),
  ).toBeVisible();
  const saved = versions.getByRole('row').filter({ hasText: note });
  await expect(saved).toContainText('user:default/carol');
  await expect(saved).toContainText('current');

  // Restore the version before the save: a newer version with the old text.
  const before = versions.getByRole('row').nth(2);
  const beforeVersion = (await before.getByRole('cell').first().innerText())
    .trim()
    .split(/\s/)[0];
  await before.getByRole('button', { name: 'Restore' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: `Restore version ${beforeVersion}` })
    .click();
  await expect(versions.getByRole('row').nth(1)).toContainText(
    `restored version ${beforeVersion}`,
  );
  await expect(editor).toHaveValue(original);

  expect(consoleErrors).toEqual([]);
  await context.close();
});

test('the providers and quotas tabs show the running gateway', async ({
  browser,
  request,
  baseURL,
}) => {
  // One model call through the gateway, so that carol has usage to show.
  const token = execFileSync(
    process.execPath,
    [path.join(__dirname, '../scripts/user-token.js'), 'carol'],
    { env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL } },
  )
    .toString()
    .trim();
  const call = await request.post('/api/llm-gateway/v1/complete', {
    headers: { authorization: `Bearer ${token}` },
    data: { messages: [{ role: 'user', content: 'Say hello.' }] },
  });
  expect(call.status()).toBe(200);

  const { context, page, consoleErrors } = await signIn(browser, 'carol');
  await page.goto('/llm-gateway/providers');
  const providers = page.getByRole('table', { name: 'Providers' });
  await expect(
    providers.getByRole('row').filter({ hasText: 'pilothouse-local' }),
  ).toContainText('local');

  await openTab(page, 'Quotas');
  const users = page.getByRole('table', { name: 'Users' });
  await expect(
    users.getByRole('row').filter({ hasText: 'user:default/carol' }),
  ).toContainText(/of [\d,]+ requests/);

  for (const tab of ['Detectors & rules', 'Policies', 'Playground']) {
    await openTab(page, tab);
    await expect(page.getByText(/^Could not /)).toHaveCount(0);
  }
  expect(consoleErrors).toEqual([]);
  await context.close();
});

test('someone who is not a platform admin sees the gateway read-only', async ({
  browser,
}) => {
  const { context, page, consoleErrors } = await signIn(browser, 'alice');
  await page.goto('/llm-gateway/policies');
  await expect(
    page.getByText('Only platform admins can change gateway settings.'),
  ).toBeVisible();
  await expect(
    page.getByRole('textbox', { name: 'Policy source (YAML)' }),
  ).not.toBeEditable();
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(
    page.getByRole('button', { name: 'Restore' }).first(),
  ).toBeDisabled();

  // Validating is reading: it works read-only too.
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText('No problems found.')).toBeVisible();

  await openTab(page, 'Detectors & rules');
  await expect(page.getByRole('button', { name: 'Add rule' })).toBeDisabled();

  // Alice reads her own records and the chain status, without verifying.
  await openTab(page, 'Audit');
  await expect(page.getByText(/^Chain verified: \d+ records$/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Verify now' })).toHaveCount(0);

  expect(consoleErrors).toEqual([]);
  await context.close();
});
