import { selectTools as selectToolsByMode } from '@pilothouse/mcp-common';
import { STSClient } from '@aws-sdk/client-sts';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { awsError, RefusedError, withTimeout } from './errors';
import { log } from './logger';
import { AwsResilience, ResilienceOptions } from './resilience';
import { accountOf, RoleMap, RoleSessions } from './roles';
import { AwsScope } from './scope';
import { ALL_TOOLS } from './tools';
import {
  AwsService,
  PERMISSIONS_META_KEY,
  SERVICE_CLIENTS,
  ServiceClient,
  ToolContext,
  ToolDefinition,
} from './tools/types';

export const SERVER_NAME = 'pilothouse-aws';
export const SERVER_VERSION = '0.1.0';

/** Request `_meta` key carrying the portal user a call is made for. */
export const USER_META_KEY = 'pilothouse.dev/user';

/**
 * What outlives one MCP server instance: assumed-role sessions and the
 * per-service breakers. The HTTP transport builds a server per request and
 * must share these, or breakers would never see repeated failures.
 */
export interface AwsRuntime {
  sessions: RoleSessions;
  resilience: AwsResilience;
}

export function createAwsRuntime(options: {
  roleMap?: RoleMap;
  region: string;
  resilience?: ResilienceOptions;
  /** Client for sts:AssumeRole; default: the SDK's default credential chain. */
  sts?: STSClient;
}): AwsRuntime {
  const resilience = new AwsResilience(options.resilience);
  const sts =
    options.sts ?? new STSClient({ region: options.region, maxAttempts: 1 });
  return {
    resilience,
    sessions: new RoleSessions({ roleMap: options.roleMap, sts, resilience }),
  };
}

export interface AwsMcpOptions {
  runtime: AwsRuntime;
  /** Region for calls that do not name one. */
  region: string;
  /** Register only tools with readOnlyHint (no scale_ecs_service, start_runbook). */
  readOnly?: boolean;
  /** Register only these tools. */
  allow?: string[];
  /** Account ids and regions the tools may touch; empty means any. */
  scope?: string[];
  /** User for session tags when a request's _meta names none. */
  user?: string;
  /** Catalog components file for triage_incident. */
  catalogPath?: string;
  /** Deadline for each tool call. Default 30 s. */
  timeoutMs?: number;
  /** Log each tool call to stderr. Default true. */
  logCalls?: boolean;
}

/** The tools these options register; throws on an unknown name in the allow-list. */
export function selectTools(
  options: Pick<AwsMcpOptions, 'readOnly' | 'allow'>,
): ToolDefinition[] {
  return selectToolsByMode(ALL_TOOLS, options);
}

function callingUser(
  meta: Record<string, unknown> | undefined,
  fallback: string | undefined,
): string {
  const fromMeta = meta?.[USER_META_KEY];
  const user = typeof fromMeta === 'string' && fromMeta ? fromMeta : fallback;
  if (!user) {
    throw new RefusedError(
      'The calling user is unknown, so the AWS session cannot be tagged with it',
      `send the user in the request's _meta "${USER_META_KEY}", or start the server with --user / MCP_AWS_USER`,
    );
  }
  return user;
}

/**
 * Builds the MCP server. Read-only and allow-list modes decide what is
 * registered, so a filtered tool is neither listed nor callable; the region
 * and account scope is checked on every call, before any role is assumed.
 */
export function createAwsMcpServer(options: AwsMcpOptions): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'AWS operations: start an incident with triage_incident or list_alarms, inspect with list_ec2_instances, describe_ecs_service, list_lambda_functions, list_rds_instances and list_runbooks. scale_ecs_service and start_runbook change infrastructure; scale_ecs_service returns how to undo it.',
    },
  );
  const scope = new AwsScope(options.scope);
  const { sessions, resilience } = options.runtime;
  const timeoutMs = options.timeoutMs ?? 30_000;

  for (const tool of selectTools(options)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: tool.annotations,
        _meta: { [PERMISSIONS_META_KEY]: tool.permissions },
      },
      async (
        args: Record<string, unknown>,
        extra: { _meta?: Record<string, unknown> },
      ): Promise<CallToolResult> => {
        const started = Date.now();
        const region =
          typeof args.region === 'string' ? args.region : options.region;
        let outcome: CallToolResult;
        try {
          scope.checkRegion(region);
          scope.checkAccount(accountOf(sessions.roleFor(tool.name)));
          const user = callingUser(extra._meta, options.user);
          const ctx: ToolContext = {
            region,
            catalogPath: options.catalogPath ?? 'catalog/components.yaml',
            async send<S extends AwsService, T>(
              service: S,
              fn: (client: ServiceClient<S>) => Promise<T>,
            ): Promise<T> {
              const credentials = await sessions.credentials(tool.name, user);
              const Client = SERVICE_CLIENTS[service];
              // The SDK's own retries are off: cockatiel retries, once.
              const client = new Client({
                region,
                credentials,
                maxAttempts: 1,
              }) as ServiceClient<S>;
              try {
                return await resilience.execute(service, () => fn(client));
              } finally {
                client.destroy();
              }
            },
          };
          outcome = await withTimeout(
            tool.handler(args as never, ctx),
            timeoutMs,
          );
        } catch (error) {
          outcome = awsError(
            error,
            `running ${tool.name} in ${region}`,
            tool.permissions,
          );
        }
        if (options.logCalls !== false) {
          log(outcome.isError ? 'warn' : 'info', 'tool call', {
            tool: tool.name,
            region,
            isError: Boolean(outcome.isError),
            ms: Date.now() - started,
          });
        }
        return outcome;
      },
    );
  }
  return server;
}
