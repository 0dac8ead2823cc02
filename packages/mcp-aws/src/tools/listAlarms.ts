import { DescribeAlarmsCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import { defineTool, region, result } from './types';

export function alarmSummary(a: MetricAlarm) {
  return {
    name: a.AlarmName ?? '',
    state: a.StateValue,
    reason: a.StateReason,
    since: a.StateUpdatedTimestamp?.toISOString(),
    namespace: a.Namespace,
    metric: a.MetricName,
    dimensions: Object.fromEntries(
      (a.Dimensions ?? []).map(d => [d.Name ?? '', d.Value ?? '']),
    ),
  };
}

export const listAlarms = defineTool({
  name: 'list_alarms',
  title: 'List CloudWatch alarms',
  description: `List CloudWatch metric alarms in a region, optionally only those in one state
(ALARM, OK, INSUFFICIENT_DATA) or with a name prefix, with the reason for
their state and the metric they watch.

Example: { "state": "ALARM" } →
"1 alarm in ALARM: payments-api-5xx (AWS/ECS CPUUtilization, since 2026-05-01T10:02:00Z)"`,
  inputSchema: {
    region,
    state: z
      .enum(['ALARM', 'OK', 'INSUFFICIENT_DATA'])
      .optional()
      .describe('Only alarms in this state'),
    namePrefix: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('Only alarms whose name starts with this'),
    maxRecords: z.number().int().min(1).max(100).default(100),
  },
  annotations: {
    title: 'List CloudWatch alarms',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  permissions: ['cloudwatch:DescribeAlarms'],
  async handler({ state, namePrefix, maxRecords }, ctx) {
    const out = await ctx.send('cloudwatch', c =>
      c.send(
        new DescribeAlarmsCommand({
          StateValue: state,
          AlarmNamePrefix: namePrefix,
          MaxRecords: maxRecords,
        }),
      ),
    );
    const alarms = (out.MetricAlarms ?? []).map(alarmSummary);
    return result(
      alarms.length
        ? `${alarms.length} alarm${alarms.length === 1 ? '' : 's'}${
            state ? ` in ${state}` : ''
          }: ${alarms
            .map(
              a =>
                `${a.name} (${a.state}, ${a.namespace} ${a.metric}${
                  a.since ? `, since ${a.since}` : ''
                })`,
            )
            .join(', ')}`
        : `No alarms${state ? ` in ${state}` : ''} in ${ctx.region}.`,
      { region: ctx.region, alarms, truncated: Boolean(out.NextToken) },
    );
  },
});
