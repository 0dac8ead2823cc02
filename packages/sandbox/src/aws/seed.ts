import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ClusterStore } from '../store';
import {
  AWS_KINDS,
  awsObject,
  ecsServiceKey,
  epochSeconds,
  GLOBAL,
} from './model';

const name = z.string().regex(/^[\w.-]{1,255}$/);

export const awsSeedSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
  roles: z
    .array(
      z.object({
        name,
        /** IAM actions a session of this role may call, e.g. ecs:UpdateService. */
        actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/)),
      }),
    )
    .default([]),
  ec2: z
    .object({
      instances: z.array(
        z.object({
          id: z.string().regex(/^i-[0-9a-f]{8,17}$/),
          name: z.string(),
          type: z.string(),
          state: z
            .enum(['pending', 'running', 'stopping', 'stopped'])
            .default('running'),
          privateIp: z.string(),
          tags: z.record(z.string(), z.string()).default({}),
        }),
      ),
    })
    .default({ instances: [] }),
  ecs: z
    .object({
      clusters: z.array(
        z.object({
          name,
          services: z.array(
            z.object({
              name,
              taskDefinition: z.string().regex(/^[\w-]+:\d+$/),
              desiredCount: z.number().int().min(0),
            }),
          ),
        }),
      ),
    })
    .default({ clusters: [] }),
  lambda: z
    .object({
      functions: z.array(
        z.object({
          name,
          runtime: z.string(),
          memoryMb: z.number().int().min(128),
          timeoutSeconds: z.number().int().min(1).max(900),
        }),
      ),
    })
    .default({ functions: [] }),
  rds: z
    .object({
      instances: z.array(
        z.object({
          id: name,
          engine: z.string(),
          engineVersion: z.string(),
          class: z.string(),
          multiAz: z.boolean().default(false),
          storageGb: z.number().int().positive(),
        }),
      ),
    })
    .default({ instances: [] }),
  alarms: z
    .array(
      z.object({
        name,
        namespace: z.string(),
        metric: z.string(),
        statistic: z
          .enum(['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount'])
          .default('Average'),
        dimensions: z.record(z.string(), z.string()),
        threshold: z.number(),
        state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']).default('OK'),
        reason: z.string().optional(),
        minutesInState: z.number().min(0).default(180),
      }),
    )
    .default([]),
  ssm: z
    .object({
      documents: z.array(
        z.object({
          name,
          displayName: z.string().optional(),
          /** Self (the account) or Amazon. */
          owner: z.enum(['Self', 'Amazon']).default('Self'),
          parameters: z.array(z.string()).default([]),
          /** Parameters that must be given; default: all of them. */
          required: z.array(z.string()).optional(),
        }),
      ),
    })
    .default({ documents: [] }),
});

export type AwsSeed = z.infer<typeof awsSeedSchema>;

const MINUTE = 60_000;

function ago(minutes: number): Date {
  return new Date(Date.now() - minutes * MINUTE);
}

/** A stable hex id from a name, so seeded ids are the same on every laptop. */
function hexId(text: string, length: number): string {
  return createHash('sha1').update(text).digest('hex').slice(0, length);
}

/** ECS deployment ids look like ecs-svc/ and 19 digits. */
function ecsDeploymentId(text: string): string {
  const digits = BigInt(`0x${hexId(text, 16)}`) % 10n ** 19n;
  return `ecs-svc/${digits.toString().padStart(19, '0')}`;
}

/** Lambda writes LastModified as 2026-05-01T10:00:00.000+0000. */
function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

const INSTANCE_STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  stopping: 64,
  stopped: 80,
};

/**
 * Creates the stand-in AWS account: its roles, and in its region the EC2
 * instances, ECS clusters and services, Lambda functions, RDS instances,
 * CloudWatch alarms and SSM Automation documents of the seed.
 */
export function seedAws(store: ClusterStore, seed: AwsSeed): void {
  const { accountId, region } = seed;
  const arn = (service: string, resource: string, global = false) =>
    `arn:aws:${service}:${global ? '' : region}:${accountId}:${resource}`;

  store.create(
    awsObject(AWS_KINDS.account, GLOBAL, accountId, { accountId, region }),
  );
  for (const role of seed.roles) {
    store.create(
      awsObject(AWS_KINDS.role, GLOBAL, role.name, {
        RoleName: role.name,
        Arn: arn('iam', `role/${role.name}`, true),
        RoleId: `AROA${hexId(role.name, 17).toUpperCase()}`,
        actions: role.actions,
      }),
    );
  }

  seed.ec2.instances.forEach((instance, i) => {
    const zone = `${region}${'abc'[i % 3]}`;
    const tags = { Name: instance.name, ...instance.tags };
    store.create(
      awsObject(AWS_KINDS.instance, region, instance.id, {
        instanceId: instance.id,
        imageId: `ami-${hexId(instance.type, 17)}`,
        instanceState: {
          code: INSTANCE_STATE_CODES[instance.state],
          name: instance.state,
        },
        privateDnsName: `ip-${instance.privateIp.replace(
          /\./g,
          '-',
        )}.${region}.compute.internal`,
        privateIpAddress: instance.privateIp,
        instanceType: instance.type,
        launchTime: ago(60 * 24 * (30 + i)).toISOString(),
        placement: { availabilityZone: zone, tenancy: 'default' },
        architecture: instance.type.includes('g.') ? 'arm64' : 'x86_64',
        reservationId: `r-${hexId(instance.id, 17)}`,
        tagSet: {
          item: Object.entries(tags).map(([key, value]) => ({ key, value })),
        },
      }),
    );
  });

  for (const cluster of seed.ecs.clusters) {
    const clusterArn = arn('ecs', `cluster/${cluster.name}`);
    store.create(
      awsObject(AWS_KINDS.cluster, region, cluster.name, {
        clusterArn,
        clusterName: cluster.name,
        status: 'ACTIVE',
      }),
    );
    for (const service of cluster.services) {
      const created = epochSeconds(ago(60 * 24 * 90));
      const deployed = epochSeconds(ago(60 * 24 * 2));
      const taskDefinition = arn(
        'ecs',
        `task-definition/${service.taskDefinition}`,
      );
      const count = service.desiredCount;
      const deploymentId = ecsDeploymentId(`${cluster.name}/${service.name}`);
      store.create(
        awsObject(
          AWS_KINDS.service,
          region,
          ecsServiceKey(cluster.name, service.name),
          {
            serviceArn: arn('ecs', `service/${cluster.name}/${service.name}`),
            serviceName: service.name,
            clusterArn,
            status: 'ACTIVE',
            desiredCount: count,
            runningCount: count,
            pendingCount: 0,
            launchType: 'FARGATE',
            taskDefinition,
            schedulingStrategy: 'REPLICA',
            createdAt: created,
            deployments: [
              {
                id: deploymentId,
                status: 'PRIMARY',
                taskDefinition,
                desiredCount: count,
                pendingCount: 0,
                runningCount: count,
                failedTasks: 0,
                createdAt: deployed,
                updatedAt: deployed,
                launchType: 'FARGATE',
                rolloutState: 'COMPLETED',
                rolloutStateReason: `ECS deployment ${deploymentId} completed.`,
              },
            ],
            events: [
              {
                id: hexId(`${service.name}/steady`, 32),
                createdAt: deployed,
                message: `(service ${service.name}) has reached a steady state.`,
              },
            ],
          },
        ),
      );
    }
  }

  for (const fn of seed.lambda.functions) {
    store.create(
      awsObject(AWS_KINDS.function, region, fn.name, {
        FunctionName: fn.name,
        FunctionArn: arn('lambda', `function:${fn.name}`),
        Runtime: fn.runtime,
        Role: arn('iam', `role/${fn.name}-execution`, true),
        Handler: fn.runtime.startsWith('python')
          ? 'app.handler'
          : 'index.handler',
        CodeSize: 1_048_576,
        Timeout: fn.timeoutSeconds,
        MemorySize: fn.memoryMb,
        LastModified: lambdaTimestamp(ago(60 * 24 * 7)),
        Version: '$LATEST',
        State: 'Active',
        PackageType: 'Zip',
        Architectures: ['arm64'],
      }),
    );
  }

  seed.rds.instances.forEach((db, i) => {
    store.create(
      awsObject(AWS_KINDS.dbInstance, region, db.id, {
        DBInstanceIdentifier: db.id,
        DBInstanceClass: db.class,
        Engine: db.engine,
        DBInstanceStatus: 'available',
        MasterUsername: 'app',
        Endpoint: {
          Address: `${db.id}.c${hexId(accountId, 11)}.${region}.rds.amazonaws.com`,
          Port: db.engine.includes('mysql') ? 3306 : 5432,
        },
        AllocatedStorage: db.storageGb,
        InstanceCreateTime: ago(60 * 24 * (200 + i)).toISOString(),
        AvailabilityZone: `${region}${'abc'[i % 3]}`,
        MultiAZ: db.multiAz,
        EngineVersion: db.engineVersion,
        StorageType: 'gp3',
        StorageEncrypted: true,
        DbiResourceId: `db-${hexId(db.id, 26).toUpperCase()}`,
        DBInstanceArn: arn('rds', `db:${db.id}`),
      }),
    );
  });

  for (const alarm of seed.alarms) {
    const since = epochSeconds(ago(alarm.minutesInState));
    store.create(
      awsObject(AWS_KINDS.alarm, region, alarm.name, {
        AlarmName: alarm.name,
        AlarmArn: arn('cloudwatch', `alarm:${alarm.name}`),
        AlarmDescription: `${alarm.namespace} ${alarm.metric} above ${alarm.threshold}`,
        ActionsEnabled: true,
        OKActions: [],
        AlarmActions: [],
        InsufficientDataActions: [],
        StateValue: alarm.state,
        StateReason:
          alarm.reason ??
          `Threshold Crossed: 3 datapoints were not greater than the threshold (${alarm.threshold.toFixed(
            1,
          )}).`,
        StateUpdatedTimestamp: since,
        StateTransitionedTimestamp: since,
        AlarmConfigurationUpdatedTimestamp: epochSeconds(ago(60 * 24 * 30)),
        MetricName: alarm.metric,
        Namespace: alarm.namespace,
        Statistic: alarm.statistic,
        Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({
          Name,
          Value,
        })),
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: alarm.threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'missing',
      }),
    );
  }

  for (const doc of seed.ssm.documents) {
    store.create(
      awsObject(AWS_KINDS.document, region, doc.name, {
        identifier: {
          Name: doc.name,
          ...(doc.displayName ? { DisplayName: doc.displayName } : {}),
          Owner: doc.owner === 'Amazon' ? 'Amazon' : accountId,
          CreatedDate: epochSeconds(ago(60 * 24 * 60)),
          PlatformTypes: ['Windows', 'Linux', 'MacOS'],
          DocumentVersion: '1',
          DocumentType: 'Automation',
          SchemaVersion: '0.3',
          DocumentFormat: 'YAML',
          Tags: [],
        },
        parameters: doc.parameters,
        required: doc.required ?? doc.parameters,
      }),
    );
  }
}
