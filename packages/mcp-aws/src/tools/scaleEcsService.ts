import {
  DescribeServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { RefusedError } from '../errors';
import { awsName, defineTool, region, result } from './types';

export const MAX_DESIRED_COUNT = 100;

export const scaleEcsService = defineTool({
  name: 'scale_ecs_service',
  title: 'Scale an ECS service',
  description: `Set an ECS service's desired task count. DESTRUCTIVE: scaling down stops
tasks (and takes the service offline at 0).

Returns previousDesiredCount and an "undo" call (scale_ecs_service with the
previous count) so the change can be reverted.

Example: { "cluster": "payments", "service": "payments-api", "desiredCount": 5 } →
"Scaled payments/payments-api from 3 to 5 tasks. Undo: scale_ecs_service desiredCount=3"`,
  inputSchema: {
    region,
    cluster: awsName.describe('ECS cluster name or ARN'),
    service: awsName.describe('ECS service name or ARN'),
    desiredCount: z
      .number()
      .int()
      .min(0)
      .max(MAX_DESIRED_COUNT)
      .describe(`Desired task count (0-${MAX_DESIRED_COUNT})`),
  },
  annotations: {
    title: 'Scale an ECS service',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['ecs:DescribeServices', 'ecs:UpdateService'],
  async handler({ cluster, service, desiredCount }, ctx) {
    const before = await ctx.send('ecs', c =>
      c.send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    const svc = before.services?.[0];
    if (!svc) {
      throw new RefusedError(
        `ECS service ${cluster}/${service} not found in ${ctx.region}`,
        'check the cluster, service name and region; describe_ecs_service shows one service',
      );
    }
    const previousDesiredCount = svc.desiredCount ?? 0;
    const after = await ctx.send('ecs', c =>
      c.send(new UpdateServiceCommand({ cluster, service, desiredCount })),
    );
    const now = after.service?.desiredCount ?? desiredCount;
    return result(
      `Scaled ${cluster}/${service} from ${previousDesiredCount} to ${now} tasks. Undo: scale_ecs_service desiredCount=${previousDesiredCount}`,
      {
        region: ctx.region,
        cluster,
        service,
        previousDesiredCount,
        desiredCount: now,
        undo: {
          tool: 'scale_ecs_service',
          arguments: {
            region: ctx.region,
            cluster,
            service,
            desiredCount: previousDesiredCount,
          },
        },
      },
    );
  },
});
