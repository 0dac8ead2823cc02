import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { RefusedError } from '../errors';
import { awsName, defineTool, region, result } from './types';

export const describeEcsService = defineTool({
  name: 'describe_ecs_service',
  title: 'Describe an ECS service',
  description: `Describe one ECS service: desired, running and pending tasks, its deployments
(rollout state) and the five most recent service events.

Example: { "cluster": "payments", "service": "payments-api" } →
"payments/payments-api: 3 desired, 3 running, 0 pending; deployment PRIMARY COMPLETED"`,
  inputSchema: {
    region,
    cluster: awsName.describe('ECS cluster name or ARN'),
    service: awsName.describe('ECS service name or ARN'),
  },
  annotations: {
    title: 'Describe an ECS service',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['ecs:DescribeServices'],
  async handler({ cluster, service }, ctx) {
    const out = await ctx.send('ecs', c =>
      c.send(new DescribeServicesCommand({ cluster, services: [service] })),
    );
    const svc = out.services?.[0];
    if (!svc) {
      throw new RefusedError(
        `ECS service ${cluster}/${service} not found in ${ctx.region}`,
        'check the cluster, service name and region',
      );
    }
    const deployments = (svc.deployments ?? []).map(d => ({
      status: d.status,
      rolloutState: d.rolloutState,
      taskDefinition: d.taskDefinition,
      desired: d.desiredCount,
      running: d.runningCount,
    }));
    const events = (svc.events ?? []).slice(0, 5).map(e => ({
      at: e.createdAt?.toISOString(),
      message: e.message,
    }));
    return result(
      `${cluster}/${service}: ${svc.desiredCount} desired, ${
        svc.runningCount
      } running, ${svc.pendingCount} pending; ${deployments
        .map(d => `deployment ${d.status} ${d.rolloutState ?? ''}`.trim())
        .join(', ')}`,
      {
        region: ctx.region,
        cluster,
        service,
        status: svc.status,
        desiredCount: svc.desiredCount,
        runningCount: svc.runningCount,
        pendingCount: svc.pendingCount,
        taskDefinition: svc.taskDefinition,
        deployments,
        events,
      },
    );
  },
});
