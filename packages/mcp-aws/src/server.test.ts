import {
  CloudWatchClient,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeServicesCommand,
  ECSClient,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mockClient } from 'aws-sdk-client-mock';
import {
  awsException,
  catalogPath,
  FAKE_CREDENTIALS,
  newClient,
  READ_ONLY_TOOLS,
  readmeToolNames,
  readmeToolRows,
  ROLE_MAP,
  textOf,
} from './__testUtils__/fixtures';
import {
  AwsMcpOptions,
  createAwsMcpServer,
  createAwsRuntime,
  USER_META_KEY,
} from './server';

// aws-sdk-client-mock stubs `send` of the real SDK clients: the stand-in for AWS.
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const ecs = mockClient(ECSClient);
const lambda = mockClient(LambdaClient);
const cloudwatch = mockClient(CloudWatchClient);
const ssm = mockClient(SSMClient);
const rds = mockClient(RDSClient);

const asAlice = { [USER_META_KEY]: 'alice@example.com' };

describe('mcp-aws over an in-process transport, with mocked AWS clients', () => {
  let client: Client | undefined;

  beforeEach(() => {
    for (const mock of [sts, ec2, ecs, lambda, cloudwatch, ssm, rds]) {
      mock.reset();
    }
    sts.on(AssumeRoleCommand).resolves({ Credentials: FAKE_CREDENTIALS });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0123456789abcdef0',
              State: { Name: 'running' },
              InstanceType: 'm6i.large',
              Tags: [{ Key: 'Name', Value: 'payments-worker-1' }],
            },
          ],
        },
      ],
    });
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'payments-db',
          Engine: 'postgres',
          EngineVersion: '16.4',
          DBInstanceStatus: 'available',
          MultiAZ: true,
        },
      ],
    });
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'payments-api',
          desiredCount: 3,
          runningCount: 3,
          pendingCount: 0,
        },
      ],
    });
    ecs
      .on(UpdateServiceCommand)
      .callsFake(input => ({ service: { desiredCount: input.desiredCount } }));
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function connect(options: Partial<AwsMcpOptions> = {}) {
    const server = createAwsMcpServer({
      runtime: createAwsRuntime({
        roleMap: ROLE_MAP,
        region: 'eu-west-1',
        sts: new STSClient({ region: 'eu-west-1' }),
        resilience: {
          logEvents: false,
          initialDelayMs: 1,
          breakerThreshold: 3,
          halfOpenAfterMs: 60_000,
        },
      }),
      region: 'eu-west-1',
      catalogPath,
      logCalls: false,
      ...options,
    });
    const [clientTransport, serverTransport] =
      InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    client = newClient();
    await client.connect(clientTransport);
    return client;
  }

  it('lists exactly the README tools, each with annotations and IAM actions in _meta', async () => {
    const c = await connect();
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());
    for (const tool of tools) {
      expect(tool.annotations).toEqual(
        expect.objectContaining({
          readOnlyHint: expect.any(Boolean),
          destructiveHint: expect.any(Boolean),
          idempotentHint: expect.any(Boolean),
        }),
      );
      expect(tool.description).toMatch(/Example:/);
      const permissions = tool._meta?.['pilothouse.dev/permissions'];
      expect(permissions).toEqual(
        expect.arrayContaining([expect.stringMatching(/^[a-z0-9]+:[A-Z]\w+$/)]),
      );
    }
    // The README's table is the contract: annotations and IAM actions match it.
    expect(
      tools.map(t => ({
        name: t.name,
        readOnly: t.annotations?.readOnlyHint,
        destructive: t.annotations?.destructiveHint,
        idempotent: t.annotations?.idempotentHint,
        permissions: t._meta?.['pilothouse.dev/permissions'],
      })),
    ).toEqual(readmeToolRows());
    const scale = tools.find(t => t.name === 'scale_ecs_service')!;
    expect(scale.annotations?.destructiveHint).toBe(true);
    expect(scale._meta?.['pilothouse.dev/permissions']).toEqual([
      'ecs:DescribeServices',
      'ecs:UpdateService',
    ]);
    expect(
      tools.find(t => t.name === 'list_ec2_instances')?._meta?.[
        'pilothouse.dev/permissions'
      ],
    ).toEqual(['ec2:DescribeInstances']);
  });

  it('assumes the role mapped for each tool, tagged with the calling user, and calls AWS with it', async () => {
    const c = await connect();
    const listed = await c.callTool({
      name: 'list_ec2_instances',
      arguments: {},
      _meta: asAlice,
    });
    expect(listed.isError).toBeFalsy();
    expect(textOf(listed)).toMatch(
      /1 instances in eu-west-1: i-0123456789abcdef0 \(payments-worker-1, running, m6i.large\)/,
    );
    const scaled = await c.callTool({
      name: 'scale_ecs_service',
      arguments: {
        cluster: 'payments',
        service: 'payments-api',
        desiredCount: 5,
      },
      _meta: asAlice,
    });
    expect(scaled.isError).toBeFalsy();

    const assumed = sts
      .commandCalls(AssumeRoleCommand)
      .map(call => call.args[0].input);
    expect(assumed).toEqual([
      expect.objectContaining({
        RoleArn: ROLE_MAP.default,
        RoleSessionName: 'pilothouse-alice@example.com',
        Tags: [
          { Key: 'pilothouse-user', Value: 'alice@example.com' },
          { Key: 'pilothouse-tool', Value: 'list_ec2_instances' },
        ],
      }),
      expect.objectContaining({
        RoleArn: ROLE_MAP.scale_ecs_service,
        Tags: [
          { Key: 'pilothouse-user', Value: 'alice@example.com' },
          { Key: 'pilothouse-tool', Value: 'scale_ecs_service' },
        ],
      }),
    ]);
    // The ECS call is signed with the assumed role's credentials.
    const update = ecs.commandCalls(UpdateServiceCommand)[0];
    expect(update.args[0].input).toEqual({
      cluster: 'payments',
      service: 'payments-api',
      desiredCount: 5,
    });
    const used = await (update.thisValue as ECSClient).config.credentials();
    expect(used.accessKeyId).toBe(FAKE_CREDENTIALS.AccessKeyId);

    expect(scaled.structuredContent).toMatchObject({
      previousDesiredCount: 3,
      desiredCount: 5,
      undo: {
        tool: 'scale_ecs_service',
        arguments: {
          cluster: 'payments',
          service: 'payments-api',
          desiredCount: 3,
        },
      },
    });
    const everything = JSON.stringify([listed, scaled]);
    expect(everything).not.toContain(FAKE_CREDENTIALS.SecretAccessKey);
    expect(everything).not.toContain(FAKE_CREDENTIALS.SessionToken);
    expect(everything).not.toContain(FAKE_CREDENTIALS.AccessKeyId);

    // Cached per role, tool and user: a second call assumes nothing new.
    await c.callTool({
      name: 'list_ec2_instances',
      arguments: {},
      _meta: asAlice,
    });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('logs each call to stderr without credentials', async () => {
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    try {
      const c = await connect({ logCalls: true });
      await c.callTool({
        name: 'scale_ecs_service',
        arguments: {
          cluster: 'payments',
          service: 'payments-api',
          desiredCount: 4,
        },
        _meta: asAlice,
      });
    } finally {
      spy.mockRestore();
    }
    const logs = written.join('');
    expect(logs).toMatch(/"message":"tool call","tool":"scale_ecs_service"/);
    for (const secret of Object.values(FAKE_CREDENTIALS)) {
      expect(logs).not.toContain(String(secret));
    }
  });

  it('takes the user from --user when _meta has none, and refuses when neither names one', async () => {
    const anonymous = await connect();
    const refused = await anonymous.callTool({
      name: 'list_rds_instances',
      arguments: {},
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /calling user is unknown.*— hint: .*pilothouse.dev\/user.*--user/,
    );
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    await anonymous.close();

    const c = await connect({ user: 'ops-bot' });
    const res = await c.callTool({ name: 'list_rds_instances', arguments: {} });
    expect(res.isError).toBeFalsy();
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({
      RoleSessionName: 'pilothouse-ops-bot',
    });
  });

  it('in read-only mode neither lists nor runs scale_ecs_service or start_runbook', async () => {
    const c = await connect({ readOnly: true, user: 'alice' });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);
    for (const [name, args] of [
      [
        'scale_ecs_service',
        { cluster: 'payments', service: 'payments-api', desiredCount: 0 },
      ],
      ['start_runbook', { documentName: 'Payments-RestartTasks' }],
    ] as const) {
      const res = await c.callTool({ name, arguments: args });
      expect(res.isError).toBe(true);
      expect(textOf(res)).toMatch(new RegExp(`${name} not found`));
    }
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toHaveLength(0);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('with an allow-list registers only the listed tools, and rejects unknown names', async () => {
    const c = await connect({ allow: ['list_alarms', 'triage_incident'] });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(['list_alarms', 'triage_incident']);
    expect(() =>
      createAwsMcpServer({
        runtime: createAwsRuntime({ region: 'eu-west-1' }),
        region: 'eu-west-1',
        allow: ['delete_account'],
      }),
    ).toThrow(/Unknown tool\(s\) in the allow-list: delete_account/);
  });

  it('refuses regions and accounts outside --scope before assuming any role', async () => {
    const c = await connect({
      scope: ['123456789012', 'eu-west-1'],
      user: 'alice',
    });
    const otherRegion = await c.callTool({
      name: 'describe_ecs_service',
      arguments: {
        region: 'us-east-1',
        cluster: 'payments',
        service: 'payments-api',
      },
    });
    expect(otherRegion.isError).toBe(true);
    expect(textOf(otherRegion)).toMatch(
      /Region "us-east-1" is outside this server's scope \(123456789012, eu-west-1\) — hint:/,
    );
    // start_runbook's role lives in account 210987654321.
    const otherAccount = await c.callTool({
      name: 'start_runbook',
      arguments: { documentName: 'Payments-RestartTasks' },
    });
    expect(otherAccount.isError).toBe(true);
    expect(textOf(otherAccount)).toMatch(
      /Account "210987654321" is outside this server's scope.*— hint:/,
    );
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(ssm.commandCalls(StartAutomationExecutionCommand)).toHaveLength(0);

    const inside = await c.callTool({
      name: 'describe_ecs_service',
      arguments: { cluster: 'payments', service: 'payments-api' },
    });
    expect(inside.isError).toBeFalsy();
  });

  it('retries a ThrottlingException with backoff and then succeeds', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .rejectsOnce(awsException('ThrottlingException', 400, 'Rate exceeded'))
      .resolves({
        MetricAlarms: [
          {
            AlarmName: 'payments-api-5xx',
            StateValue: 'ALARM',
            Namespace: 'AWS/ECS',
            MetricName: 'HTTPCode_Target_5XX_Count',
          },
        ],
      });
    const c = await connect({ user: 'alice' });
    const res = await c.callTool({
      name: 'list_alarms',
      arguments: { state: 'ALARM' },
    });
    expect(res.isError).toBeFalsy();
    expect(textOf(res)).toMatch(/1 alarm in ALARM: payments-api-5xx/);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
  });

  it('opens the breaker of a failing service after repeated failures and answers with a hint', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .rejects(awsException('ServiceUnavailable', 503, 'Service Unavailable'));
    lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
    const c = await connect({ user: 'alice' });
    for (let i = 0; i < 3; i++) {
      const failed = await c.callTool({
        name: 'list_ec2_instances',
        arguments: {},
      });
      expect(failed.isError).toBe(true);
      expect(textOf(failed)).toMatch(
        /AWS failed \(ServiceUnavailable, HTTP 503\).*— hint:/,
      );
    }
    // Three calls of three attempts each reached EC2.
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(9);

    const open = await c.callTool({
      name: 'list_ec2_instances',
      arguments: {},
    });
    expect(open.isError).toBe(true);
    expect(textOf(open)).toMatch(
      /Calls to AWS ec2 are paused: its circuit breaker opened.*— hint: .*wait about 60 s/,
    );
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(9);

    // One breaker per service: Lambda is unaffected.
    const other = await c.callTool({
      name: 'list_lambda_functions',
      arguments: {},
    });
    expect(other.isError).toBeFalsy();
  });

  it('does not retry or count access denied, and names the IAM actions in the hint', async () => {
    ecs
      .on(DescribeServicesCommand)
      .rejects(
        awsException('AccessDeniedException', 400, 'User is not authorized'),
      );
    const c = await connect({ user: 'alice' });
    const res = await c.callTool({
      name: 'describe_ecs_service',
      arguments: { cluster: 'payments', service: 'payments-api' },
    });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/AWS denied .*— hint: .*ecs:DescribeServices/);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1);
  });

  it('answers bad arguments with isError and keeps serving', async () => {
    const c = await connect({ user: 'alice' });
    const bad = await c.callTool({
      name: 'scale_ecs_service',
      arguments: {
        cluster: 'payments',
        service: 'payments-api',
        desiredCount: -1,
      },
    });
    expect(bad.isError).toBe(true);
    const badRegion = await c.callTool({
      name: 'list_alarms',
      arguments: { region: 'mars' },
    });
    expect(badRegion.isError).toBe(true);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('triage_incident maps a firing alarm to the payments component and suggests its runbook', async () => {
    cloudwatch.on(DescribeAlarmsCommand, { StateValue: 'ALARM' }).resolves({
      MetricAlarms: [
        {
          AlarmName: 'payments-api-5xx',
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed: 1 datapoint [42.0] > 10',
          Namespace: 'AWS/ECS',
          MetricName: 'CPUUtilization',
          Dimensions: [
            { Name: 'ClusterName', Value: 'payments' },
            { Name: 'ServiceName', Value: 'payments-api' },
          ],
        },
        {
          AlarmName: 'legacy-batch-cpu',
          StateValue: 'ALARM',
          Namespace: 'AWS/EC2',
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }],
        },
      ],
    });
    const c = await connect({ user: 'alice' });
    const res = await c.callTool({ name: 'triage_incident', arguments: {} });
    expect(res.isError).toBeFalsy();
    const { incidents } = res.structuredContent as {
      incidents: Array<{
        alarm: { name: string };
        component?: { name: string; owner: string };
        runbooks: Array<{ title: string; url: string }>;
      }>;
    };
    expect(incidents[0]).toMatchObject({
      alarm: { name: 'payments-api-5xx' },
      component: { name: 'payments', owner: 'group:payments-team' },
      runbooks: [
        { title: 'Runbook', url: 'https://runbooks.example.com/payments' },
        {
          title: 'Runbook (SSM Automation): Payments-RestartTasks',
          url: expect.stringContaining(
            '/systems-manager/documents/Payments-RestartTasks/',
          ),
        },
        {
          title: 'Runbook (SSM Automation): Payments-FailoverDb',
          url: expect.stringContaining(
            '/systems-manager/documents/Payments-FailoverDb/',
          ),
        },
      ],
    });
    expect(incidents[1].component).toBeUndefined();
    expect(textOf(res)).toMatch(
      /payments-api-5xx → component payments .*https:\/\/runbooks.example.com\/payments/,
    );
    expect(textOf(res)).toMatch(
      /legacy-batch-cpu → no catalog component owns ec2:i-0123456789abcdef0/,
    );

    const onlyPayments = await c.callTool({
      name: 'triage_incident',
      arguments: { component: 'payments' },
    });
    expect(
      (onlyPayments.structuredContent as { incidents: unknown[] }).incidents,
    ).toHaveLength(1);
  });

  it('refuses every AWS call with a hint when there is no role map', async () => {
    const server = createAwsMcpServer({
      runtime: createAwsRuntime({ region: 'eu-west-1' }),
      region: 'eu-west-1',
      user: 'alice',
      logCalls: false,
    });
    const [clientTransport, serverTransport] =
      InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    client = newClient();
    await client.connect(clientTransport);
    const res = await client.callTool({ name: 'list_alarms', arguments: {} });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/no role map.*— hint: .*--role-map/);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});
