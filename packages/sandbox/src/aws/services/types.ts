import { ClusterStore } from '../../store';
import { AwsCaller } from '../identity';
import { AwsAccount } from '../model';
import { AwsProtocol } from '../wire';

/** One call's context: the account, the region it was signed for, who calls. */
export interface AwsCallContext {
  store: ClusterStore;
  account: AwsAccount;
  region: string;
  caller: AwsCaller;
  requestId: string;
}

export interface AwsOperation {
  /** The IAM action a caller needs, e.g. `ecs:UpdateService`. */
  action: string;
  /**
   * Runs the operation. `input` is the form parameters (query protocols),
   * the JSON body (JSON protocols) or the query string (REST).
   */
  handle(input: any, call: AwsCallContext): Record<string, unknown>;
}

/** One AWS service as the sandbox serves it. */
export interface AwsServiceDefinition {
  /** The IAM prefix and SigV4 signing name, e.g. `ecs`. */
  name: string;
  protocol: AwsProtocol;
  /** query and ec2: the `Version` form parameter that identifies the service. */
  version?: string;
  /** json: the `X-Amz-Target` prefix, e.g. `AmazonSSM`. */
  target?: string;
  /** query: the XML namespace of its answers. */
  xmlns?: string;
  /** json: the content type of its answers. */
  contentType?: string;
  /** json: a service that moved from the query protocol and also reports its old error codes. */
  queryCompatible?: boolean;
  /** The error code this service answers a denied call with. */
  deniedCode: string;
  operations: Record<string, AwsOperation>;
}
