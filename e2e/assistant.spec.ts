import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';

/*
 * The in-portal assistant, as people use it: alice (payments team) asks from
 * the payments page, bob (SRE, an approver) approves in his own browser.
 * The local model runs offline; the change happens in the sandbox cluster.
 */

const as = (browser: Browser, user: string) =>
  browser.newContext({ extraHTTPHeaders: { 'x-forwarded-user': user } });

async function approveAs(browser: Browser, user: string, tool: string) {
  const context = await as(browser, user);
  const page = await context.newPage();
  await page.goto('/ai-assistant');
  const approval = page.getByRole('region', { name: `Approval for ${tool}` });
  await expect(approval).toBeVisible();
  await expect(approval.getByLabel('Arguments')).toContainText('payments');
  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(approval).toBeHidden();
  await context.close();
}

async function podCount(page: Page, count: number) {
  await page.goto('/catalog/default/component/payments/kubernetes');
  await expect(page.getByText(`${count} pods`)).toBeVisible({ timeout: 30_000 });
}

test('alice scales payments from its page, bob approves, alice undoes it', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const alice = await as(browser, 'alice');
  const page = await alice.newPage();
  await page.goto('/catalog/default/component/payments');
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  const panel = page.getByRole('dialog', { name: 'Assistant' });
  await expect(panel).toBeVisible();

  const message = panel.getByRole('textbox', { name: 'Message' });
  await message.fill('scale this to 5 replicas');
  await message.press('Enter');

  const call = panel.getByRole('region', {
    name: 'Tool call kubernetes.scale_deployment',
  });
  await expect(call).toBeVisible();
  const approval = call.getByRole('group', { name: 'Approval' });
  await expect(approval).toBeVisible();
  // alice may not approve her own production change.
  await expect(approval.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(approval.getByRole('status')).toContainText(/approver/i);

  await approveAs(browser, 'bob', 'kubernetes.scale_deployment');

  // alice's turn resumes by itself once bob has decided.
  await expect(call.getByText('Done')).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole('article', { name: "Assistant's answer" }).last()).toContainText('5');

  const check = await alice.newPage();
  await podCount(check, 5);

  // Undo proposes scaling back; production needs bob again.
  await call.getByRole('button', { name: 'Undo' }).click();
  const undo = panel
    .getByRole('region', { name: 'Tool call kubernetes.scale_deployment' })
    .last();
  await expect(undo.getByRole('group', { name: 'Approval' })).toBeVisible();
  await approveAs(browser, 'bob', 'kubernetes.scale_deployment');
  await expect(undo.getByText('Done')).toBeVisible({ timeout: 30_000 });
  await podCount(check, 3);
  await alice.close();
});

test('a spoken message is transcribed into the box, edited, and sent', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'pilothouse-voice-'));
  const wav = path.join(dir, 'ask.wav');
  // pocketsphinx hears espeak-ng's Klatt voice best (see the assistant
  // backend's README); the words are checked loosely for that reason.
  execFileSync('espeak-ng', [
    '-v',
    'en-us+klatt4',
    '-w',
    wav,
    'scale the payments deployment to five replicas',
  ]);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}%noloop`,
    ],
  });
  try {
    const context = await browser.newContext({
      baseURL: test.info().project.use.baseURL,
      extraHTTPHeaders: { 'x-forwarded-user': 'alice' },
      permissions: ['microphone'],
    });
    const page = await context.newPage();
    await page.goto('/ai-assistant');
    const record = page.getByRole('button', { name: 'Record voice message' });
    await expect(record).toBeEnabled();
    await record.click();
    // The WAV lasts about three seconds.
    await page.waitForTimeout(4_000);
    await page.getByRole('button', { name: 'Stop recording' }).click();
    const message = page.getByRole('textbox', { name: 'Message' });
    await expect(message).toHaveValue(/deployment/, { timeout: 30_000 });

    // The transcript is the user's to edit before it goes anywhere.
    await message.fill('list the workloads in payments');
    await message.press('Enter');
    await expect(
      page.getByRole('region', { name: 'Tool call kubernetes.list_workloads' }),
    ).toBeVisible();
    await context.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
