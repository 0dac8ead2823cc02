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
  DeleteDocumentCommand,
  GetAutomationExecutionCommand,
  ListDocumentsCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RunningSandbox, startSandbox } from '../server';

const catalogDir = path.resolve(__dirname, '../../../../catalog');
const seedFile = path.join(catalogDir, 'sandbox.yaml');
const ACCOUNT = '123456789012';

type Credentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

/** Not secrets: the sandbox accepts any credentials and checks no signature. */
const BASE_CREDENTIALS: Credentials = {
  accessKeyId: 'sandbox',
  secretAccessKey: 'sandbox',
};

function catalogComponents() {
  return parseAllDocuments(
    fs.readFileSync(path.join(catalogDir, 'components.yaml'), 'utf8'),
  )
    .map(doc => doc.toJS())
    .filter(doc => doc?.kind === 'Component');
}

describe('sandbox AWS APIs with the real AWS SDK v3 clients', () => {
  let dataDir: string;
  let sandbox: RunningSandbox;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-aws-'));
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
  });

  afterEach(async () => {
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** SDK clients pointed at the sandbox, as AWS_ENDPOINT_URL would. */
  function clients(
    credentials: Credentials = BASE_CREDENTIALS,
    region = 'eu-west-1',
  ) {
    const config = {
      region,
      endpoint: `${sandbox.url}/aws`,
      credentials,
      maxAttempts: 1,
    };
    return {
      ec2: new EC2Client(config),
      ecs: new ECSClient(config),
      lambda: new LambdaClient(config),
      rds: new RDSClient(config),
      cloudwatch: new CloudWatchClient(config),
      ssm: new SSMClient(config),
      sts: new STSClient(config),
    };
  }

  async function assumeRole(role: string, user = 'alice') {
    const out = await clients().sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        RoleSessionName: `pilothouse-${user}`,
        DurationSeconds: 900,
        Tags: [{ Key: 'pilothouse-user', Value: user }],
      }),
    );
    const c = out.Credentials!;
    return {
      out,
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    };
  }

  it('has every AWS resource and SSM runbook that the catalog names', async () => {
    const aws = clients();
    const components = catalogComponents();
    const resources: string[] = components.flatMap(c =>
      (c.metadata.annotations?.['aws.amazon.com/resources'] ?? '')
        .split(',')
        .filter(Boolean),
    );
    expect(resources.length).toBeGreaterThan(4);
    /** The name the sandbox reports for a catalog resource reference. */
    async function found(ref: string): Promise<string | undefined> {
      const [type, id] = ref.split(/:(.*)/);
      switch (type) {
        case 'ecs': {
          const [cluster, service] = id.split('/');
          const out = await aws.ecs.send(
            new DescribeServicesCommand({ cluster, services: [service] }),
          );
          return out.services?.[0] && `${cluster}/${out.services[0].serviceName}`;
        }
        case 'rds': {
          const out = await aws.rds.send(
            new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }),
          );
          return out.DBInstances?.[0].DBInstanceIdentifier;
        }
        case 'lambda': {
          const out = await aws.lambda.send(new ListFunctionsCommand({}));
          return out.Functions?.find(f => f.FunctionName === id)?.FunctionName;
        }
        case 'ec2': {
          const out = await aws.ec2.send(
            new DescribeInstancesCommand({ InstanceIds: [id] }),
          );
          return out.Reservations?.[0].Instances?.[0].InstanceId;
        }
        default:
          return undefined;
      }
    }
    for (const ref of resources) {
      expect(`${ref.split(':')[0]}:${await found(ref)}`).toBe(ref);
    }

    const runbooks: string[] = components.flatMap(c =>
      (c.metadata.links ?? [])
        .map((l: { url: string }) =>
          /\/systems-manager\/documents\/([^/]+)\//.exec(l.url),
        )
        .filter(Boolean)
        .map((m: RegExpExecArray) => m[1]),
    );
    expect(runbooks).toContain('Payments-RestartTasks');
    const docs = await aws.ssm.send(
      new ListDocumentsCommand({
        Filters: [{ Key: 'DocumentType', Values: ['Automation'] }],
      }),
    );
    const names = docs.DocumentIdentifiers?.map(d => d.Name);
    for (const runbook of runbooks) {
      expect(names).toContain(runbook);
    }
  });

  it('describes EC2 instances, Lambda functions, RDS instances, alarms and runbooks with their filters', async () => {
    const aws = clients();
    const stopped = await aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }],
        MaxResults: 50,
      }),
    );
    const instances = stopped.Reservations!.flatMap(r => r.Instances!);
    expect(instances).toEqual([
      expect.objectContaining({
        InstanceId: 'i-0f3a5b7c9d1e2f4a6',
        State: { Code: 80, Name: 'stopped' },
        InstanceType: 'r6i.xlarge',
        PrivateIpAddress: '10.20.2.41',
        Tags: expect.arrayContaining([
          { Key: 'Name', Value: 'orders-reporting' },
        ]),
      }),
    ]);
    expect(instances[0].LaunchTime).toBeInstanceOf(Date);
    const byTag = await aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag:team', Values: ['platform-team'] }],
      }),
    );
    expect(
      byTag.Reservations!.flatMap(r => r.Instances!.map(i => i.InstanceId)),
    ).toEqual(['i-0a1b2c3d4e5f60718']);
    await expect(
      aws.ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'vpc-peering', Values: ['x'] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });

    // Lambda pages with a marker.
    const first = await aws.lambda.send(new ListFunctionsCommand({ MaxItems: 1 }));
    expect(first.Functions).toHaveLength(1);
    expect(first.NextMarker).toBeDefined();
    const second = await aws.lambda.send(
      new ListFunctionsCommand({ MaxItems: 1, Marker: first.NextMarker }),
    );
    expect(
      [...first.Functions!, ...second.Functions!].map(f => [
        f.FunctionName,
        f.Runtime,
        f.MemorySize,
      ]),
    ).toEqual([
      ['notifications-sender', 'python3.12', 256],
      ['payments-webhooks', 'nodejs22.x', 512],
    ]);
    expect(second.NextMarker).toBeUndefined();

    const dbs = await aws.rds.send(new DescribeDBInstancesCommand({}));
    expect(dbs.DBInstances).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          DBInstanceIdentifier: 'payments-db',
          Engine: 'postgres',
          DBInstanceStatus: 'available',
          MultiAZ: true,
          AllocatedStorage: 200,
        }),
      ]),
    );
    await expect(
      aws.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' }),
      ),
    ).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault' });

    const firing = await aws.cloudwatch.send(
      new DescribeAlarmsCommand({ StateValue: 'ALARM' }),
    );
    expect(firing.MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: 'payments-api-cpu-high',
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        Dimensions: [
          { Name: 'ClusterName', Value: 'payments' },
          { Name: 'ServiceName', Value: 'payments-api' },
        ],
      }),
    ]);
    expect(firing.MetricAlarms![0].StateUpdatedTimestamp!.getTime()).toBeLessThan(
      Date.now(),
    );
    const payments = await aws.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'payments-' }),
    );
    expect(payments.MetricAlarms!.map(a => [a.AlarmName, a.StateValue])).toEqual(
      [
        ['payments-api-cpu-high', 'ALARM'],
        ['payments-db-cpu-high', 'OK'],
      ],
    );

    const own = await aws.ssm.send(
      new ListDocumentsCommand({
        Filters: [
          { Key: 'DocumentType', Values: ['Automation'] },
          { Key: 'Owner', Values: ['Self'] },
          { Key: 'Name', Values: ['Payments-'] },
        ],
      }),
    );
    expect(own.DocumentIdentifiers!.map(d => [d.Name, d.Owner])).toEqual([
      ['Payments-FailoverDb', ACCOUNT],
      ['Payments-RestartTasks', ACCOUNT],
    ]);
    const amazon = await aws.ssm.send(
      new ListDocumentsCommand({
        Filters: [{ Key: 'Owner', Values: ['Amazon'] }],
      }),
    );
    expect(amazon.DocumentIdentifiers!.map(d => d.Name)).toEqual([
      'AWS-RestartEC2Instance',
    ]);
  });

  it('has nothing in another region', async () => {
    const aws = clients(BASE_CREDENTIALS, 'us-east-1');
    const ec2 = await aws.ec2.send(new DescribeInstancesCommand({}));
    expect(ec2.Reservations).toEqual([]);
    const alarms = await aws.cloudwatch.send(new DescribeAlarmsCommand({}));
    expect(alarms.MetricAlarms).toEqual([]);
    await expect(
      aws.ecs.send(
        new DescribeServicesCommand({
          cluster: 'payments',
          services: ['payments-api'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  });

  it('scales an ECS service: describe shows the new count and an event, also after a restart', async () => {
    let aws = clients();
    const before = await aws.ecs.send(
      new DescribeServicesCommand({
        cluster: 'payments',
        services: ['payments-api', 'payments-worker'],
      }),
    );
    expect(before.services![0]).toEqual(
      expect.objectContaining({ desiredCount: 3, runningCount: 3 }),
    );
    expect(before.failures).toEqual([
      expect.objectContaining({
        arn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/payments/payments-worker`,
        reason: 'MISSING',
      }),
    ]);

    const updated = await aws.ecs.send(
      new UpdateServiceCommand({
        cluster: 'payments',
        service: 'payments-api',
        desiredCount: 5,
      }),
    );
    expect(updated.service).toEqual(
      expect.objectContaining({
        desiredCount: 5,
        runningCount: 5,
        pendingCount: 0,
      }),
    );

    await sandbox.close();
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    aws = clients();
    const after = await aws.ecs.send(
      new DescribeServicesCommand({
        cluster: 'payments',
        services: ['payments-api'],
      }),
    );
    const svc = after.services![0];
    expect(svc).toEqual(
      expect.objectContaining({ desiredCount: 5, runningCount: 5 }),
    );
    expect(svc.deployments![0]).toEqual(
      expect.objectContaining({ status: 'PRIMARY', desiredCount: 5 }),
    );
    expect(svc.events!.slice(0, 2).map(e => e.message)).toEqual([
      '(service payments-api) has reached a steady state.',
      expect.stringMatching(
        /^\(service payments-api\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/,
      ),
    ]);
    expect(svc.events![0].createdAt).toBeInstanceOf(Date);

    await expect(
      aws.ecs.send(
        new UpdateServiceCommand({
          cluster: 'payments',
          service: 'payments-worker',
          desiredCount: 1,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
  });

  it('starts an SSM Automation runbook as an assumed role and records who ran it', async () => {
    const runner = await assumeRole('pilothouse-runbook-runner');
    expect(runner.out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/pilothouse-runbook-runner/pilothouse-alice`,
    );
    expect(runner.out.Credentials!.Expiration!.getTime()).toBeGreaterThan(
      Date.now() + 14 * 60_000,
    );
    const ssm = clients(runner.credentials).ssm;
    const started = await ssm.send(
      new StartAutomationExecutionCommand({
        DocumentName: 'Payments-RestartTasks',
        Parameters: { Cluster: ['payments'], Service: ['payments-api'] },
      }),
    );
    expect(started.AutomationExecutionId).toMatch(/^[0-9a-f-]{36}$/);

    await expect(
      ssm.send(
        new StartAutomationExecutionCommand({
          DocumentName: 'Payments-RestartTasks',
          Parameters: { Cluster: ['payments'], Force: ['yes'] },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidAutomationExecutionParametersException',
      message: expect.stringMatching(/\[Force\].*\[Service\]/),
    });
    await expect(
      ssm.send(
        new StartAutomationExecutionCommand({ DocumentName: 'Drop-Everything' }),
      ),
    ).rejects.toMatchObject({ name: 'AutomationDefinitionNotFoundException' });

    await sandbox.close();
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    // The session outlives the restart: its token carries it.
    const reader = await assumeRole('pilothouse-readonly', 'bob');
    const { AutomationExecution: execution } = await clients(
      reader.credentials,
    ).ssm.send(
      new GetAutomationExecutionCommand({
        AutomationExecutionId: started.AutomationExecutionId,
      }),
    );
    expect(execution).toEqual(
      expect.objectContaining({
        DocumentName: 'Payments-RestartTasks',
        AutomationExecutionStatus: 'Success',
        Parameters: { Cluster: ['payments'], Service: ['payments-api'] },
        ExecutedBy: `arn:aws:sts::${ACCOUNT}:assumed-role/pilothouse-runbook-runner/pilothouse-alice`,
      }),
    );
  });

  it('limits an assumed role to its actions and refuses unknown roles and tokens', async () => {
    const readonly = await assumeRole('pilothouse-readonly');
    const aws = clients(readonly.credentials);
    const described = await aws.ecs.send(
      new DescribeServicesCommand({
        cluster: 'payments',
        services: ['payments-api'],
      }),
    );
    expect(described.services).toHaveLength(1);
    await expect(
      aws.ecs.send(
        new UpdateServiceCommand({
          cluster: 'payments',
          service: 'payments-api',
          desiredCount: 0,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        'assumed-role/pilothouse-readonly/pilothouse-alice is not authorized to perform: ecs:UpdateService',
      ),
    });
    const unchanged = await clients().ecs.send(
      new DescribeServicesCommand({
        cluster: 'payments',
        services: ['payments-api'],
      }),
    );
    expect(unchanged.services![0].desiredCount).toBe(3);

    const scaler = await assumeRole('pilothouse-ecs-scaler');
    await expect(
      clients(scaler.credentials).ec2.send(new DescribeInstancesCommand({})),
    ).rejects.toMatchObject({ name: 'UnauthorizedOperation' });

    await expect(
      clients().sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/admin`,
          RoleSessionName: 'pilothouse-mallory',
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      clients({
        ...BASE_CREDENTIALS,
        sessionToken: 'a-token-from-elsewhere',
      }).lambda.send(new ListFunctionsCommand({})),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('answers operations it does not serve with UnknownOperationException', async () => {
    await expect(
      clients().ssm.send(new DeleteDocumentCommand({ Name: 'Payments-FailoverDb' })),
    ).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('does not serve ssm:DeleteDocument'),
    });
  });

  it('adds the AWS seed to state saved before it existed, keeping the rest', async () => {
    await sandbox.close();
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-aws-old-'));
    const oldSeed = path.join(oldDir, 'sandbox.yaml');
    fs.writeFileSync(
      oldSeed,
      fs.readFileSync(seedFile, 'utf8').split('\naws:')[0],
    );
    try {
      sandbox = await startSandbox({
        port: 0,
        dataDir: oldDir,
        seedFile: oldSeed,
      });
      await expect(
        clients().lambda.send(new ListFunctionsCommand({})),
      ).rejects.toMatchObject({ name: 'OptInRequired' });
      const sync = await fetch(
        `${sandbox.url}/argocd/api/v1/applications/orders/sync`,
        { method: 'POST' },
      );
      expect(sync.status).toBe(200);
      await sandbox.close();

      sandbox = await startSandbox({ port: 0, dataDir: oldDir, seedFile });
      const functions = await clients().lambda.send(
        new ListFunctionsCommand({}),
      );
      expect(functions.Functions).toHaveLength(2);
      const orders = await (
        await fetch(`${sandbox.url}/argocd/api/v1/applications/orders`)
      ).json();
      expect(orders.status.history).toHaveLength(4);
    } finally {
      await sandbox.close();
      sandbox = await startSandbox({ port: 0, dataDir, seedFile });
      fs.rmSync(oldDir, { recursive: true, force: true });
    }
  });
});
