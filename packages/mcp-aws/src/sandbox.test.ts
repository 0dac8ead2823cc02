import {
  GetAutomationExecutionCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { RunningSandbox, startSandbox } from '@pilothouse/sandbox';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { newClient, packageDir, textOf } from './__testUtils__/fixtures';

const repoRoot = path.resolve(packageDir, '../..');
const seedFile = path.join(repoRoot, 'catalog/sandbox.yaml');

/**
 * The `aws` entry of `pilothouse.mcp.servers` in app-config.yaml, as the
 * portal's backend spawns it (from packages/backend, with start.sh's
 * PILOTHOUSE_SANDBOX_URL), so this test checks the portal's own settings.
 */
function portalServer(sandboxUrl: string) {
  const config = parseYaml(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  const server = config.pilothouse.mcp.servers.find(
    (s: { id: string }) => s.id === 'aws',
  );
  expect(server.command).toBe('node');
  return {
    command: process.execPath,
    args: server.args as string[],
    cwd: path.join(repoRoot, 'packages/backend'),
    env: Object.fromEntries(
      Object.entries(server.env as Record<string, string>).map(([k, v]) => [
        k,
        v.replace('${PILOTHOUSE_SANDBOX_URL}', sandboxUrl),
      ]),
    ),
  };
}

// The server as the portal spawns it: real stdio, the real AWS SDK, and the
// sandbox's stand-in AWS account behind AWS_ENDPOINT_URL.
describe('mcp-aws spawned as app-config.yaml says, against the sandbox', () => {
  let dataDir: string;
  let sandbox: RunningSandbox;
  let client: Client;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-mcp-aws-'));
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const server = portalServer(sandbox.url);
    client = newClient();
    await client.connect(
      new StdioClientTransport({
        ...server,
        env: { PATH: process.env.PATH ?? '', ...server.env },
        stderr: 'ignore',
      }),
    );
    // Spawning compiles the TypeScript entry point; slow on a busy machine.
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await sandbox?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('triages the firing alarm to its catalog component, scales its service and starts its runbook', async () => {
    const triage = await client.callTool({
      name: 'triage_incident',
      arguments: {},
    });
    expect(triage.isError).toBeFalsy();
    expect(textOf(triage)).toMatch(
      /^1 firing alarm\. payments-api-cpu-high → component payments \(owner group:payments-team\); runbooks: Runbook https:\/\/runbooks\.example\.com\/payments, Runbook \(SSM Automation\): Payments-RestartTasks /,
    );

    const scaled = await client.callTool({
      name: 'scale_ecs_service',
      arguments: {
        cluster: 'payments',
        service: 'payments-api',
        desiredCount: 5,
      },
    });
    expect(scaled.isError).toBeFalsy();
    expect(scaled.structuredContent).toEqual(
      expect.objectContaining({ previousDesiredCount: 3, desiredCount: 5 }),
    );

    const described = await client.callTool({
      name: 'describe_ecs_service',
      arguments: { cluster: 'payments', service: 'payments-api' },
    });
    expect(textOf(described)).toMatch(
      /^payments\/payments-api: 5 desired, 5 running, 0 pending; deployment PRIMARY COMPLETED/,
    );
    const { events } = described.structuredContent as {
      events: Array<{ message: string }>;
    };
    expect(events[1].message).toMatch(/has started 2 tasks/);

    // As the gateway will: the signed-in user in the request's _meta.
    const started = await client.callTool({
      name: 'start_runbook',
      arguments: {
        documentName: 'Payments-RestartTasks',
        parameters: { Cluster: ['payments'], Service: ['payments-api'] },
      },
      _meta: { 'pilothouse.dev/user': 'alice' },
    });
    expect(started.isError).toBeFalsy();
    const { executionId } = started.structuredContent as {
      executionId: string;
    };
    const ssm = new SSMClient({
      region: 'eu-west-1',
      endpoint: `${sandbox.url}/aws`,
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    });
    const { AutomationExecution } = await ssm.send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }),
    );
    // The runbook ran as the role the role map names, for the user who asked.
    expect(AutomationExecution?.ExecutedBy).toBe(
      'arn:aws:sts::123456789012:assumed-role/pilothouse-runbook-runner/pilothouse-alice',
    );
  }, 30_000);

  it('answers every read-only tool from the sandbox', async () => {
    const expected: Record<string, RegExp> = {
      list_ec2_instances: /i-0f3a5b7c9d1e2f4a6 \(orders-reporting, stopped, r6i\.xlarge\)/,
      list_lambda_functions: /payments-webhooks \(nodejs22\.x, 512 MB\)/,
      list_rds_instances: /payments-db \(postgres 16\.4, db\.r6g\.large, available, Multi-AZ\)/,
      list_alarms: /payments-api-cpu-high \(ALARM, AWS\/ECS CPUUtilization/,
      list_runbooks: /Payments-RestartTasks \(v1\)/,
    };
    for (const [name, text] of Object.entries(expected)) {
      const res = await client.callTool({ name, arguments: {} });
      expect({ name, text: textOf(res) }).toEqual({
        name,
        text: expect.stringMatching(text),
      });
    }
  }, 30_000);

  it('reports a cluster of another region as not found, with a hint', async () => {
    const elsewhere = await client.callTool({
      name: 'describe_ecs_service',
      arguments: {
        region: 'us-east-1',
        cluster: 'payments',
        service: 'payments-api',
      },
    });
    expect(elsewhere.isError).toBe(true);
    expect(textOf(elsewhere)).toMatch(
      /^Not found while running describe_ecs_service in us-east-1 \(ClusterNotFoundException\).* — hint: check the region/,
    );
  });
});
