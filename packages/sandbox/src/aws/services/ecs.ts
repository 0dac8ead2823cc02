import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AWS_KINDS, ecsServiceKey, epochSeconds } from '../model';
import { AwsError } from '../wire';
import { AwsCallContext, AwsServiceDefinition } from './types';

/** The last part of an ARN (`…:service/payments/payments-api` → `payments-api`), or the name itself. */
function nameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.split('/').pop()! : nameOrArn;
}

function clusterOf(call: AwsCallContext, nameOrArn: string | undefined) {
  const name = nameOf(nameOrArn ?? 'default');
  const cluster = call.store.get(AWS_KINDS.cluster, call.region, name);
  if (!cluster) {
    throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  }
  return name;
}

const describeInput = z.object({
  cluster: z.string().optional(),
  services: z.array(z.string()).min(1).max(10),
});

const updateInput = z.object({
  cluster: z.string().optional(),
  service: z.string(),
  desiredCount: z.number().int().optional(),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AwsError(
      'InvalidParameterException',
      parsed.error.issues
        .map(i => `${i.path.join('.')}: ${i.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}

function taskIds(count: number): string {
  return Array.from(
    { length: count },
    () => `(task ${randomBytes(16).toString('hex')})`,
  ).join(' ');
}

/** ECS (awsJson1_1): DescribeServices and UpdateService (desired count). */
export const ecsService: AwsServiceDefinition = {
  name: 'ecs',
  protocol: 'json',
  target: 'AmazonEC2ContainerServiceV20141113',
  contentType: 'application/x-amz-json-1.1',
  deniedCode: 'AccessDeniedException',
  operations: {
    DescribeServices: {
      action: 'ecs:DescribeServices',
      handle(body, call) {
        const input = parse(describeInput, body);
        const cluster = clusterOf(call, input.cluster);
        const services = [];
        const failures = [];
        for (const requested of input.services) {
          const svc = call.store.get(
            AWS_KINDS.service,
            call.region,
            ecsServiceKey(cluster, nameOf(requested)),
          );
          if (svc) {
            services.push(svc.aws);
          } else {
            failures.push({
              arn: requested.startsWith('arn:')
                ? requested
                : `arn:aws:ecs:${call.region}:${call.account.accountId}:service/${cluster}/${requested}`,
              reason: 'MISSING',
            });
          }
        }
        return { services, failures };
      },
    },
    UpdateService: {
      action: 'ecs:UpdateService',
      handle(body, call) {
        const input = parse(updateInput, body);
        const cluster = clusterOf(call, input.cluster);
        const stored = call.store.get(
          AWS_KINDS.service,
          call.region,
          ecsServiceKey(cluster, nameOf(input.service)),
        );
        if (!stored) {
          throw new AwsError('ServiceNotFoundException', 'Service not found.');
        }
        const updated = structuredClone(stored);
        const svc = updated.aws;
        if (input.desiredCount !== undefined) {
          if (input.desiredCount < 0) {
            throw new AwsError(
              'InvalidParameterException',
              'desiredCount must be zero or greater.',
            );
          }
          // Nothing runs in the sandbox: tasks start and stop at once, and the
          // service reports what ECS reports once it has settled.
          const previous = svc.runningCount as number;
          const desired = input.desiredCount;
          const now = epochSeconds();
          svc.desiredCount = desired;
          svc.runningCount = desired;
          svc.pendingCount = 0;
          const primary = svc.deployments.find(
            (d: any) => d.status === 'PRIMARY',
          );
          Object.assign(primary, {
            desiredCount: desired,
            runningCount: desired,
            pendingCount: 0,
            updatedAt: now,
          });
          const events = [];
          if (desired > previous) {
            events.push(
              `(service ${svc.serviceName}) has started ${
                desired - previous
              } tasks: ${taskIds(desired - previous)}.`,
            );
          } else if (desired < previous) {
            events.push(
              `(service ${svc.serviceName}) has stopped ${
                previous - desired
              } running tasks: ${taskIds(previous - desired)}.`,
            );
          }
          events.push(`(service ${svc.serviceName}) has reached a steady state.`);
          // Newest first, as ECS lists them; ECS keeps the last 100.
          svc.events = [
            ...events
              .reverse()
              .map(message => ({ id: randomUUID(), createdAt: now, message })),
            ...svc.events,
          ].slice(0, 100);
        }
        return { service: call.store.update(updated).aws };
      },
    },
  },
};
