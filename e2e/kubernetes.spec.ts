import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/*
 * The laptop default runs the sandbox (a stand-in Kubernetes API, CI/CD APIs
 * and AWS account) beside the portal; the entity pages and the backend's MCP
 * servers work against it.
 */

test('the Kubernetes tab shows a component’s pods from the sandbox', async ({
  browser,
}) => {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': 'alice' },
  });
  const page = await context.newPage();
  await page.goto('/catalog/default/component/payments/kubernetes');
  await expect(page.getByText('sandbox', { exact: true })).toBeVisible();
  await expect(page.getByText('3 pods')).toBeVisible();
  await expect(page.getByText('No pods with errors')).toBeVisible();

  // notifications crash-loops on purpose: the tab says so.
  await page.goto('/catalog/default/component/notifications/kubernetes');
  await expect(page.getByText(/1 pod with errors/)).toBeVisible();
  await context.close();
});

test('the backend runs its MCP servers and reports them healthy', async ({
  request,
  baseURL,
}) => {
  const token = execFileSync(
    process.execPath,
    [path.join(__dirname, '../scripts/user-token.js'), 'bob'],
    { env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL } },
  )
    .toString()
    .trim();
  const headers = { authorization: `Bearer ${token}` };
  await expect(async () => {
    const res = await request.get('/api/mcp-servers/servers', { headers });
    expect(res.status()).toBe(200);
    expect((await res.json()).items).toEqual([
      expect.objectContaining({ id: 'kubernetes', state: 'ready', tools: 8 }),
      expect.objectContaining({ id: 'cicd', state: 'ready', tools: 10 }),
      expect.objectContaining({ id: 'aws', state: 'ready', tools: 9 }),
    ]);
  }).toPass({ timeout: 30_000 });

  const tools = await request.get('/api/mcp-servers/servers/kubernetes/tools', {
    headers,
  });
  const byName = Object.fromEntries(
    (await tools.json()).items.map((t: any) => [t.name, t]),
  );
  expect(byName.scale_deployment.annotations.destructiveHint).toBe(true);
  expect(byName.list_workloads.annotations.readOnlyHint).toBe(true);
  expect(byName.scale_deployment._meta['pilothouse.dev/permissions']).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        resources: expect.arrayContaining(['deployments/scale']),
      }),
    ]),
  );

  const awsTools = await request.get('/api/mcp-servers/servers/aws/tools', {
    headers,
  });
  const aws = Object.fromEntries(
    (await awsTools.json()).items.map((t: any) => [t.name, t]),
  );
  expect(aws.triage_incident.annotations.readOnlyHint).toBe(true);
  expect(aws.scale_ecs_service.annotations.destructiveHint).toBe(true);
  expect(aws.scale_ecs_service._meta['pilothouse.dev/permissions']).toEqual([
    'ecs:DescribeServices',
    'ecs:UpdateService',
  ]);
});
