import { z } from 'zod';
import { AWS_KINDS } from '../model';
import { AwsError, page } from '../wire';
import { AwsServiceDefinition } from './types';

const describeInput = z.object({
  AlarmNames: z.array(z.string()).max(100).optional(),
  AlarmNamePrefix: z.string().optional(),
  AlarmTypes: z.array(z.enum(['CompositeAlarm', 'MetricAlarm'])).optional(),
  StateValue: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']).optional(),
  MaxRecords: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().optional(),
});

/**
 * CloudWatch: DescribeAlarms. At this SDK version CloudWatch speaks
 * awsJson1_0 (it moved from the query protocol, hence query-compatible errors).
 */
export const cloudWatchService: AwsServiceDefinition = {
  name: 'monitoring',
  protocol: 'json',
  target: 'GraniteServiceVersion20100801',
  contentType: 'application/x-amz-json-1.0',
  queryCompatible: true,
  deniedCode: 'AccessDenied',
  operations: {
    DescribeAlarms: {
      action: 'cloudwatch:DescribeAlarms',
      handle(body, call) {
        const parsed = describeInput.safeParse(body ?? {});
        if (!parsed.success) {
          throw new AwsError(
            'InvalidParameterValue',
            parsed.error.issues
              .map(i => `${i.path.join('.')}: ${i.message}`)
              .join('; '),
          );
        }
        const input = parsed.data;
        if (input.AlarmNames && input.AlarmNamePrefix) {
          throw new AwsError(
            'InvalidParameterCombination',
            'AlarmNames and AlarmNamePrefix cannot be used together.',
          );
        }
        const wantMetric =
          !input.AlarmTypes || input.AlarmTypes.includes('MetricAlarm');
        const alarms = wantMetric
          ? call.store
              .list(AWS_KINDS.alarm, call.region)
              .map(o => o.aws)
              .filter(
                a =>
                  (!input.AlarmNames ||
                    input.AlarmNames.includes(a.AlarmName)) &&
                  (!input.AlarmNamePrefix ||
                    a.AlarmName.startsWith(input.AlarmNamePrefix)) &&
                  (!input.StateValue || a.StateValue === input.StateValue),
              )
          : [];
        const { items, next } = page(
          alarms,
          input.MaxRecords ?? 50,
          input.NextToken,
          'InvalidNextToken',
        );
        return {
          MetricAlarms: items,
          CompositeAlarms: [],
          ...(next ? { NextToken: next } : {}),
        };
      },
    },
  },
};
