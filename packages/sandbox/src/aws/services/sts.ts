import { AWS_KINDS, GLOBAL } from '../model';
import { issueCredentials } from '../identity';
import { AwsError, listPrefixes } from '../wire';
import { AwsServiceDefinition } from './types';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** STS (awsQuery): AssumeRole, for the roles of the seed. */
export const stsService: AwsServiceDefinition = {
  name: 'sts',
  protocol: 'query',
  version: '2011-06-15',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  deniedCode: 'AccessDenied',
  operations: {
    AssumeRole: {
      action: 'sts:AssumeRole',
      handle(params: Record<string, string>, call) {
        const sessionName = params.RoleSessionName ?? '';
        if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
          throw new AwsError(
            'ValidationError',
            `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`,
          );
        }
        const duration = params.DurationSeconds
          ? Number(params.DurationSeconds)
          : 3600;
        if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
          throw new AwsError(
            'ValidationError',
            `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
          );
        }
        const arn = params.RoleArn ?? '';
        const match = ROLE_ARN.exec(arn);
        const role =
          match && match[1] === call.account.accountId
            ? call.store.get(AWS_KINDS.role, GLOBAL, match[2])
            : undefined;
        if (!role) {
          throw new AwsError(
            'AccessDenied',
            `User: ${call.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
            403,
          );
        }
        const tagged = listPrefixes(params, 'Tags.member').length > 0;
        const credentials = issueCredentials({
          role: role.aws.Arn,
          session: sessionName,
          expires: Math.floor(Date.now() / 1000) + duration,
        });
        return {
          Credentials: credentials,
          AssumedRoleUser: {
            AssumedRoleId: `${role.aws.RoleId}:${sessionName}`,
            Arn: `arn:aws:sts::${call.account.accountId}:assumed-role/${role.aws.RoleName}/${sessionName}`,
          },
          // Session tags count against the packed policy size, which AWS reports.
          ...(tagged ? { PackedPolicySize: 6 } : {}),
        };
      },
    },
  },
};
