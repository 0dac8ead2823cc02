import { expect, test, type Browser, type Page } from '@playwright/test';

/*
 * The Agents page and the entity pages of agents and MCP servers, against
 * the seeded catalog (catalog/agents.yaml), the agents backend and the
 * sandbox: incident-triage is deployed as rendered, release-agent has
 * drifted (its Role in payments also grants `delete` on deployments).
 */

async function signIn(browser: Browser, user: string) {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': user },
  });
  return { context, page: await context.newPage() };
}

/** The entity page's tabs are links under its header. */
async function openTab(page: Page, name: string) {
  await page.getByRole('link', { name, exact: true }).click();
}

function agentsTable(page: Page) {
  return page.getByRole('table', { name: 'Agents and MCP servers' });
}

test('the Agents page lists agents and MCP servers, with isolation, and its filters narrow them', async ({
  browser,
}) => {
  const { context, page } = await signIn(browser, 'alice');
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Agents', exact: true })
    .click();
  await expect(page).toHaveURL(/\/agents$/);

  const table = agentsTable(page);
  const triage = table
    .getByRole('row')
    .filter({ hasText: 'agent-incident-triage' });
  await expect(triage.getByLabel('Isolation: OK')).toBeVisible();
  const release = table.getByRole('row').filter({
    has: page.getByRole('link', { name: 'Release agent', exact: true }),
  });
  await expect(release.getByLabel('Isolation: Drift')).toBeVisible();
  await expect(
    table.getByRole('row').filter({ hasText: 'MCP server' }),
  ).toHaveCount(3);

  await page.getByRole('combobox', { name: 'Isolation' }).click();
  await page.getByRole('option', { name: 'Drift', exact: true }).click();
  await expect(page).toHaveURL(/isolation=drift/);
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(release).toBeVisible();
  await context.close();
});

test('an agent’s page shows its tools, its isolation and its manifests', async ({
  browser,
}) => {
  const { context, page } = await signIn(browser, 'alice');
  await page.goto('/agents');
  await agentsTable(page)
    .getByRole('link', { name: /^Incident triage/ })
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/agent\/incident-triage/);
  await expect(page.getByRole('table', { name: 'Agent' })).toBeVisible();

  await openTab(page, 'Tools');
  const kubernetes = page.getByRole('table', {
    name: 'Tools of mcpserver:default/kubernetes',
  });
  const logs = kubernetes.getByRole('row').filter({ hasText: 'pod_logs' });
  await expect(logs.getByText('read-only')).toBeVisible();
  await expect(logs.getByText('may call')).toBeVisible();
  await expect(page.getByText(/destructive tools: not allowed/)).toBeVisible();

  await openTab(page, 'Isolation');
  await expect(page.getByLabel('Isolation: OK')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Differences' })).toHaveCount(0);

  await openTab(page, 'Manifests');
  await expect(
    page.getByText(/Kubernetes objects that run incident-triage/),
  ).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download YAML' }).click();
  expect((await download).suggestedFilename()).toBe(
    'incident-triage-manifests.yaml',
  );

  // Its pods, in its own namespace, on the Kubernetes plugin's tab.
  await openTab(page, 'Kubernetes');
  await expect(page.getByText('sandbox', { exact: true })).toBeVisible();
  await expect(page.getByText('1 pod')).toBeVisible();
  await expect(page.getByText('No pods with errors')).toBeVisible();
  await context.close();
});

test('a drifted agent’s Isolation tab names the extra delete verb', async ({
  browser,
}) => {
  const { context, page } = await signIn(browser, 'alice');
  await page.goto('/catalog/default/agent/release-agent/isolation');
  await expect(page.getByLabel('Isolation: Drift')).toBeVisible();
  const differences = page.getByRole('table', { name: 'Differences' });
  await expect(
    differences
      .getByRole('row')
      .filter({ hasText: /grants delete on deployments/ }),
  ).toBeVisible();
  await context.close();
});

test('an MCP server’s page lists the tools its running server offers', async ({
  browser,
}) => {
  const { context, page } = await signIn(browser, 'alice');
  await page.goto('/catalog/default/mcpserver/kubernetes');
  await expect(page.getByRole('table', { name: 'MCP server' })).toBeVisible();

  await openTab(page, 'Tools');
  await expect(page.getByText('Tools in sync')).toBeVisible();
  for (const tool of ['list_workloads', 'pod_logs', 'scale_deployment']) {
    await expect(page.getByLabel(`live tool ${tool}`)).toBeVisible();
  }
  const scale = page
    .getByRole('table', { name: 'Declared and live tools' })
    .getByRole('row')
    .filter({ hasText: 'scale_deployment' });
  await expect(scale.getByText('destructive')).toBeVisible();
  await expect(scale.getByText('live', { exact: true })).toBeVisible();
  await context.close();
});
