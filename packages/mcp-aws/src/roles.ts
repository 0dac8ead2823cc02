import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RefusedError } from './errors';
import { AwsResilience } from './resilience';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** `{ <tool name> | default: roleArn }`, read from --role-map. */
export type RoleMap = Record<string, string>;

const roleMapSchema = z.record(
  z.string(),
  z.string().regex(ROLE_ARN, 'must be an IAM role ARN'),
);

/** Reads and validates a JSON or YAML role map; unknown tool names are an error. */
export function loadRoleMap(file: string, toolNames: string[]): RoleMap {
  const parsed = roleMapSchema.safeParse(
    parseYaml(fs.readFileSync(file, 'utf8')),
  );
  if (!parsed.success) {
    throw new Error(
      `Invalid role map ${file}: ${parsed.error.issues
        .map(i => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const unknown = Object.keys(parsed.data).filter(
    key => key !== 'default' && !toolNames.includes(key),
  );
  if (unknown.length) {
    throw new Error(
      `Unknown tool(s) in role map ${file}: ${unknown.join(', ')}`,
    );
  }
  return parsed.data;
}

export function accountOf(roleArn: string): string | undefined {
  return ROLE_ARN.exec(roleArn)?.[1];
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Only the characters AWS accepts in a RoleSessionName. */
function sessionNameSafe(value: string): string {
  return value.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** Only the characters AWS accepts in a session tag value. */
function tagValueSafe(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+@-]/gu, '-').slice(0, 256);
}

/**
 * Assumes the role the role map names for each tool, tagging the session with
 * the calling user and tool, and caches the credentials until shortly before
 * they expire. Credentials stay inside this class and the SDK clients.
 */
export class RoleSessions {
  private readonly cache = new Map<string, Promise<AwsCredentials>>();

  constructor(
    private readonly options: {
      roleMap?: RoleMap;
      sts: STSClient;
      resilience: AwsResilience;
      /** Seconds the assumed credentials live. Default 900 (the minimum). */
      durationSeconds?: number;
    },
  ) {}

  /** The role ARN for a tool; throws RefusedError when there is none. */
  roleFor(tool: string): string {
    const map = this.options.roleMap;
    const arn = map?.[tool] ?? map?.default;
    if (!arn) {
      throw new RefusedError(
        map
          ? `No IAM role is mapped for ${tool}`
          : 'This server has no role map, so it cannot call AWS',
        `an operator must add "${tool}" (or "default") to the role map given with --role-map / MCP_AWS_ROLE_MAP`,
      );
    }
    return arn;
  }

  async credentials(tool: string, user: string): Promise<AwsCredentials> {
    const roleArn = this.roleFor(tool);
    const key = `${roleArn}\n${tool}\n${user}`;
    const cached = this.cache.get(key);
    if (cached) {
      const creds = await cached.catch(() => undefined);
      if (creds && creds.expiration.getTime() - Date.now() > 60_000) {
        return creds;
      }
    }
    const pending = this.assume(roleArn, tool, user);
    this.cache.set(key, pending);
    pending.catch(() => this.cache.delete(key));
    return pending;
  }

  private async assume(
    roleArn: string,
    tool: string,
    user: string,
  ): Promise<AwsCredentials> {
    const out = await this.options.resilience.execute('sts', () =>
      this.options.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionNameSafe(`pilothouse-${user}`),
          DurationSeconds: this.options.durationSeconds ?? 900,
          Tags: [
            { Key: 'pilothouse-user', Value: tagValueSafe(user) },
            { Key: 'pilothouse-tool', Value: tool },
          ],
        }),
      ),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new Error('sts:AssumeRole returned no credentials');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration ?? new Date(Date.now() + 900_000),
    };
  }
}
