import { DescribeInstancesCommand, Filter } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineTool, region, result } from './types';

export const listEc2Instances = defineTool({
  name: 'list_ec2_instances',
  title: 'List EC2 instances',
  description: `List EC2 instances in a region with their state, type, private IP and Name tag.

Filter by instance state and/or by a tag (key and value). At most maxResults
instances are returned (default 50).

Example: { "state": "running", "tagKey": "team", "tagValue": "payments" } →
"2 instances: i-0abc (payments-worker-1, running, m6i.large), …"`,
  inputSchema: {
    region,
    state: z
      .enum(['pending', 'running', 'stopping', 'stopped', 'terminated'])
      .optional()
      .describe('Only instances in this state'),
    tagKey: z.string().min(1).max(128).optional().describe('Tag key to match'),
    tagValue: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Tag value to match (with tagKey)'),
    maxResults: z.number().int().min(5).max(200).default(50),
  },
  annotations: {
    title: 'List EC2 instances',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['ec2:DescribeInstances'],
  async handler({ state, tagKey, tagValue, maxResults }, ctx) {
    const filters: Filter[] = [];
    if (state) {
      filters.push({ Name: 'instance-state-name', Values: [state] });
    }
    if (tagKey) {
      filters.push(
        tagValue
          ? { Name: `tag:${tagKey}`, Values: [tagValue] }
          : { Name: 'tag-key', Values: [tagKey] },
      );
    }
    const out = await ctx.send('ec2', c =>
      c.send(
        new DescribeInstancesCommand({
          Filters: filters.length ? filters : undefined,
          MaxResults: maxResults,
        }),
      ),
    );
    const instances = (out.Reservations ?? [])
      .flatMap(r => r.Instances ?? [])
      .map(i => ({
        instanceId: i.InstanceId ?? '',
        name: i.Tags?.find(t => t.Key === 'Name')?.Value,
        state: i.State?.Name ?? 'unknown',
        type: i.InstanceType,
        privateIp: i.PrivateIpAddress,
        availabilityZone: i.Placement?.AvailabilityZone,
        launchTime: i.LaunchTime?.toISOString(),
      }));
    return result(
      instances.length
        ? `${instances.length} instances in ${ctx.region}: ${instances
            .map(
              i =>
                `${i.instanceId} (${i.name ? `${i.name}, ` : ''}${i.state}, ${
                  i.type
                })`,
            )
            .join(', ')}${
            out.NextToken ? ' (more exist; narrow the filter)' : ''
          }`
        : `No instances match in ${ctx.region}.`,
      { region: ctx.region, instances, truncated: Boolean(out.NextToken) },
    );
  },
});
