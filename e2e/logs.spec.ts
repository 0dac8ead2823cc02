import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  expect,
  test,
  type APIRequestContext,
  type Browser,
} from '@playwright/test';
import type {
  Detection,
  DetectionListResponse,
  IngestResponse,
} from '@pilothouse/plugin-log-search-common';

/*
 * The Logs and Detections pages against the running log search backend.
 * Each test ingests the events it needs through the API first, marked with
 * a value of its own, so it finds them whatever else the store holds.
 */

function userToken(user: string, baseURL: string) {
  return execFileSync(
    process.execPath,
    [path.join(__dirname, '../scripts/user-token.js'), user],
    { env: { ...process.env, PILOTHOUSE_BACKEND_URL: baseURL } },
  )
    .toString()
    .trim();
}

async function signIn(browser: Browser, user: string) {
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-user': user },
  });
  return { context, page: await context.newPage() };
}

async function ingest(
  request: APIRequestContext,
  token: string,
  events: object[],
) {
  const res = await request.post('/api/log-search/v1/ingest', {
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-ndjson',
    },
    data: events.map(event => JSON.stringify(event)).join('\n'),
  });
  expect(res.ok(), await res.text()).toBe(true);
  const body = (await res.json()) as IngestResponse;
  expect(body.rejected).toEqual([]);
  expect(body.accepted).toBe(events.length);
}

test('searching service:payments AND level:error shows the matches and their histogram', async ({
  browser,
  request,
  baseURL,
}) => {
  // Two page loads and a dozen backend round trips, on a busy 2-core machine.
  test.setTimeout(120_000);
  const token = userToken('carol', baseURL!);
  const marker = `e2e${Date.now().toString(36)}`;
  const now = Date.now();
  await ingest(request, token, [
    {
      timestamp: new Date(now - 120_000).toISOString(),
      level: 'error',
      service: 'payments',
      message: `charge ${marker} failed: upstream timeout after 30s`,
      'k8s.namespace.name': 'payments-prod',
    },
    {
      timestamp: new Date(now - 60_000).toISOString(),
      level: 'error',
      service: 'payments',
      message: `refund ${marker} failed: database connection refused`,
      'k8s.namespace.name': 'payments-prod',
    },
    {
      timestamp: new Date(now - 30_000).toISOString(),
      level: 'info',
      service: 'payments',
      message: `charge ${marker} accepted`,
      'k8s.namespace.name': 'payments-prod',
    },
  ]);

  const { context, page } = await signIn(browser, 'carol');
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Logs', exact: true })
    .click();
  await expect(page).toHaveURL(/\/logs/);

  const query = page.getByRole('textbox', { name: 'Query' });
  await query.fill(`service:payments AND level:error AND ${marker}`);
  await query.press('Enter');
  await expect(page).toHaveURL(/q=service%3Apayments/);

  const table = page.getByRole('table', { name: 'Log events' });
  await expect(
    table.getByText(`charge ${marker} failed`, { exact: false }),
  ).toBeVisible();
  await expect(
    table.getByText(`refund ${marker} failed`, { exact: false }),
  ).toBeVisible();
  await expect(table.getByText(`charge ${marker} accepted`)).toHaveCount(0);
  await expect(page.getByText('2 matching events; showing 2.')).toBeVisible();
  const histogram = page.getByRole('figure', { name: 'Matches over time' });
  await expect(histogram).toContainText('2 matches, 2 errors');
  await expect(
    histogram.locator('.recharts-bar-rectangle').first(),
  ).toBeVisible();

  // A row opens to its fields; a value narrows the query.
  await table.getByRole('button', { name: 'Show all fields' }).first().click();
  await page
    .getByRole('button', { name: 'Filter on k8s.namespace.name:payments-prod' })
    .first()
    .click();
  await expect(query).toHaveValue(
    `service:payments AND level:error AND ${marker} AND k8s.namespace.name:payments-prod`,
  );
  await expect(page.getByText('2 matching events; showing 2.')).toBeVisible();

  // A query the backend cannot parse says where.
  await query.fill('service:payments AND (level:error');
  await query.press('Enter');
  await expect(page.getByRole('alert', { name: 'Query error' })).toBeVisible();
  await context.close();
});

test('the live tail shows an event sent while it runs', async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const token = userToken('carol', baseURL!);
  const marker = `tail${Date.now().toString(36)}`;
  const { context, page } = await signIn(browser, 'carol');
  await page.goto(`/logs?${new URLSearchParams({ q: marker })}`);
  await page.getByRole('checkbox', { name: 'Live tail' }).check();
  await expect(page).toHaveURL(/tail=1/);
  await expect(page.getByText(/^Live: 0 new matching events/)).toBeVisible();

  await ingest(request, token, [
    { level: 'warn', service: 'checkout', message: `cart ${marker} is slow` },
  ]);
  const live = page.getByRole('table', { name: 'Live events' });
  await expect(live.getByText(`cart ${marker} is slow`)).toBeVisible();
  await expect(page.getByText(/^Live: 1 new matching event /)).toBeVisible();
  await context.close();
});

test('an ingested audit event raises a detection, which can be opened and acknowledged', async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const token = userToken('carol', baseURL!);
  const headers = { authorization: `Bearer ${token}` };
  const since = new Date(Date.now() - 1000).toISOString();
  const marker = `e2e-${Date.now().toString(36)}`;
  // A Kubernetes audit record of a service account listing secrets: the
  // SigmaHQ rule "Kubernetes Secrets Enumeration" matches it.
  await ingest(request, token, [
    {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: marker,
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/payments/secrets',
      verb: 'list',
      user: {
        username: `system:serviceaccount:payments:${marker}`,
        groups: ['system:serviceaccounts'],
      },
      sourceIPs: ['10.0.3.7'],
      objectRef: {
        resource: 'secrets',
        namespace: 'payments',
        apiVersion: 'v1',
      },
      responseStatus: { code: 200 },
      requestReceivedTimestamp: new Date().toISOString(),
      stageTimestamp: new Date().toISOString(),
    },
  ]);

  // Rules run on the ingest stream; the detection is there within moments.
  let detection: Detection | undefined;
  await expect(async () => {
    const res = await request.get(
      `/api/log-search/v1/detections?${new URLSearchParams({
        since,
        status: 'open',
      })}`,
      { headers },
    );
    expect(res.ok()).toBe(true);
    const { items } = (await res.json()) as DetectionListResponse;
    detection = items.find(
      d => d.ruleTitle === 'Kubernetes Secrets Enumeration',
    );
    expect(detection).toBeDefined();
  }).toPass({ timeout: 20_000 });

  const { context, page } = await signIn(browser, 'carol');
  await page.goto('/logs');
  await page.getByRole('tab', { name: 'Detections' }).click();
  await expect(page).toHaveURL(/\/logs\/detections/);
  const table = page.getByRole('table', { name: 'Detections' });
  await table
    .getByRole('link', { name: 'Kubernetes Secrets Enumeration' })
    .first()
    .click();
  await expect(page).toHaveURL(/\/logs\/detections\/[^/]+$/);
  // Several runs may have left more than one; act on this run's.
  await page.goto(`/logs/detections/${encodeURIComponent(detection!.id)}`);

  await expect(
    page.getByRole('heading', { name: 'Kubernetes Secrets Enumeration' }),
  ).toBeVisible();
  const details = page.getByRole('table', { name: 'Detection' });
  await expect(details.getByRole('link', { name: 'T1552.007' })).toBeVisible();
  await expect(
    page
      .getByRole('table', { name: 'Matching events' })
      .getByText('list', { exact: false })
      .first(),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Triage in the AI assistant' }),
  ).toHaveAttribute('href', /\/ai-assistant\?q=Triage/);

  await page.getByRole('button', { name: 'Acknowledge' }).click();
  const dialog = page.getByRole('dialog');
  await dialog
    .getByRole('textbox', { name: 'Note (optional)' })
    .fill(`checked by the e2e run ${marker}`);
  await dialog.getByRole('button', { name: 'Acknowledge' }).click();

  const handling = page.getByRole('alert', { name: 'Handling' });
  await expect(handling).toContainText('Acknowledged by');
  await expect(handling).toContainText(/carol/i);
  await expect(handling).toContainText(`checked by the e2e run ${marker}`);

  // The backend keeps it: a reload shows the same.
  await page.reload();
  await expect(page.getByRole('alert', { name: 'Handling' })).toContainText(
    `checked by the e2e run ${marker}`,
  );
  await context.close();
});
