import { ClusterStore, KubeObject } from '../store';

/**
 * Kinds of the objects that hold the stand-in AWS account in the sandbox's
 * store. Each keeps, under `aws`, the resource as its API returns it (XML
 * field names for EC2 and RDS, JSON with epoch-second timestamps for the
 * JSON services), so answering is rendering, not translating.
 */
export const AWS_KINDS = {
  account: 'AwsAccount',
  role: 'AwsIamRole',
  instance: 'AwsEc2Instance',
  cluster: 'AwsEcsCluster',
  service: 'AwsEcsService',
  function: 'AwsLambdaFunction',
  dbInstance: 'AwsRdsInstance',
  alarm: 'AwsCloudWatchAlarm',
  document: 'AwsSsmDocument',
  execution: 'AwsSsmAutomationExecution',
} as const;

export const AWS_API_VERSION = 'pilothouse.dev/sandbox';

/** The account and default region of the stand-in. */
export interface AwsAccount {
  accountId: string;
  region: string;
}

/** Namespace of account-wide objects (IAM roles); regional ones use the region. */
export const GLOBAL = 'global';

export function awsObject(
  kind: string,
  namespace: string,
  name: string,
  aws: Record<string, any>,
): KubeObject {
  return { apiVersion: AWS_API_VERSION, kind, metadata: { name, namespace }, aws };
}

/** The account the sandbox stands in for, when its AWS seed has been applied. */
export function awsAccount(store: ClusterStore): AwsAccount | undefined {
  return store.list(AWS_KINDS.account)[0]?.aws as AwsAccount | undefined;
}

/** Seconds since the epoch, the timestamp format of the JSON protocols. */
export function epochSeconds(date = new Date()): number {
  return Math.floor(date.getTime() / 1000);
}

/** Key of an ECS service in the store. */
export function ecsServiceKey(cluster: string, service: string): string {
  return `${cluster}/${service}`;
}
