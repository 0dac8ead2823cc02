import { Request } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ClusterStore } from '../store';
import { AWS_KINDS, AwsAccount, GLOBAL } from './model';
import { AwsError } from './wire';

/**
 * Who makes a call. Signatures are not verified (this is a stand-in): calls
 * with any base credentials act as the account's `sandbox` user, which may do
 * everything; calls with a session token from the sandbox's sts:AssumeRole
 * act as that role and may call only the actions the seed gives it.
 */
export interface AwsCaller {
  arn: string;
  /** IAM actions allowed; undefined means all. */
  actions?: string[];
}

const SESSION_PREFIX = 'pilothouse-sandbox-session.';

const sessionSchema = z.object({
  role: z.string(),
  session: z.string(),
  expires: z.number(),
});

export type SandboxSession = z.infer<typeof sessionSchema>;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomText(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, b => alphabet[b % alphabet.length]).join('');
}

/**
 * Temporary credentials for a role session. The session token carries the
 * session itself, so the sandbox needs no session table and a restarted
 * sandbox still knows the callers of earlier sessions.
 */
export function issueCredentials(session: SandboxSession) {
  return {
    AccessKeyId: `ASIA${randomText(16, ALPHANUMERIC)}`,
    SecretAccessKey: randomText(
      40,
      `${ALPHANUMERIC}abcdefghijklmnopqrstuvwxyz+/`,
    ),
    SessionToken: `${SESSION_PREFIX}${Buffer.from(
      JSON.stringify(session),
    ).toString('base64url')}`,
    Expiration: new Date(session.expires * 1000).toISOString(),
  };
}

/** The role session a request's session token names, if any. */
function sessionOf(req: Request): SandboxSession | undefined {
  const token = req.header('x-amz-security-token');
  if (!token) {
    return undefined;
  }
  const parsed = token.startsWith(SESSION_PREFIX)
    ? sessionSchema.safeParse(
        (() => {
          try {
            return JSON.parse(
              Buffer.from(
                token.slice(SESSION_PREFIX.length),
                'base64url',
              ).toString('utf8'),
            );
          } catch {
            return undefined;
          }
        })(),
      )
    : undefined;
  if (!parsed?.success) {
    throw new AwsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
  }
  if (parsed.data.expires * 1000 < Date.now()) {
    throw new AwsError(
      'ExpiredTokenException',
      'The security token included in the request is expired',
      403,
    );
  }
  return parsed.data;
}

export function callerOf(
  store: ClusterStore,
  account: AwsAccount,
  req: Request,
): AwsCaller {
  const session = sessionOf(req);
  if (!session) {
    return { arn: `arn:aws:iam::${account.accountId}:user/sandbox` };
  }
  const roleName = session.role.split('/').pop()!;
  const role = store.get(AWS_KINDS.role, GLOBAL, roleName);
  return {
    arn: `arn:aws:sts::${account.accountId}:assumed-role/${roleName}/${session.session}`,
    actions: role?.aws.actions ?? [],
  };
}

function allows(pattern: string, action: string): boolean {
  if (pattern.endsWith('*')) {
    return action.startsWith(pattern.slice(0, -1));
  }
  return pattern === action;
}

/** Throws the service's access-denied error unless the caller may do action. */
export function authorize(
  caller: AwsCaller,
  action: string,
  deniedCode: string,
): void {
  if (!caller.actions || caller.actions.some(p => allows(p, action))) {
    return;
  }
  throw new AwsError(
    deniedCode,
    `User: ${caller.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
    403,
  );
}
