import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { startLlmStandIn, RunningLlmStandIn } from '@pilothouse/sandbox';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { createLlmGatewayPlugin } from '../plugin';
import type { GatewayParts } from '../services/parts';
import { testParts } from './parts';

/** Users of the tests and their groups. */
export const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/sre'],
  'user:default/carol': ['group:default/team-a'],
};

export const tokenOf = (user: string) =>
  mockCredentials.user.token(`user:default/${user}`);
export const bearer = (user: string) => `Bearer ${tokenOf(user)}`;

/** userInfo with the groups above (the mock gives every user none). */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef as string;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
      };
    },
  }),
});

export const TOOLS_SERVER = path.join(
  __dirname,
  '../__fixtures__/tools-server.js',
);

export interface GatewayTestEnv {
  server: Server;
  baseUrl: string;
  upstream: RunningLlmStandIn;
  parts: ReturnType<typeof testParts>;
  stop(): Promise<void>;
}

/**
 * A backend with the gateway (test parts unless given), the stand-in model
 * upstream behind two providers (`primary` Anthropic-style, `backup`
 * OpenAI-style, both limited to `internal` data), the local model, and the
 * tools fixture as MCP server `tools`.
 */
export async function startGatewayBackend(
  options: {
    parts?: Partial<GatewayParts>;
    config?: Record<string, unknown>;
    providers?: (upstreamUrl: string) => unknown[];
    features?: any[];
  } = {},
): Promise<GatewayTestEnv> {
  const upstream = await startLlmStandIn();
  const parts = testParts(options.parts);
  const providers = options.providers?.(upstream.url) ?? [
    {
      id: 'primary',
      type: 'anthropic',
      baseUrl: upstream.url,
      apiKey: 'stand-in',
      models: [
        { name: 'cloud-small', inputUsdPerMTok: 1, outputUsdPerMTok: 2 },
      ],
      maxDataClass: 'internal',
      timeoutMs: 2_000,
    },
    {
      id: 'backup',
      type: 'openai',
      baseUrl: `${upstream.url}/v1`,
      models: [
        { name: 'cloud-backup', inputUsdPerMTok: 3, outputUsdPerMTok: 6 },
      ],
      maxDataClass: 'internal',
      timeoutMs: 2_000,
    },
    {
      id: 'local',
      type: 'local',
      models: [
        { name: 'pilothouse-local', inputUsdPerMTok: 50, outputUsdPerMTok: 50 },
      ],
    },
  ];
  const { server } = await startTestBackend({
    features: [
      createLlmGatewayPlugin({ parts: async () => parts }),
      userInfoFactory,
      mockServices.rootConfig.factory({
        data: JSON.parse(
          JSON.stringify({
            llmGateway: {
              providers,
              routing: {
                breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
              },
              maxBodyBytes: 64 * 1024,
              ...options.config,
            },
            pilothouse: {
              mcp: {
                servers: [
                  {
                    id: 'tools',
                    command: process.execPath,
                    args: [TOOLS_SERVER],
                    callTimeoutMs: 10_000,
                  },
                ],
              },
            },
          }),
        ),
      }),
      ...(options.features ?? []),
    ],
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://localhost:${port}/api/llm-gateway`,
    upstream,
    parts,
    async stop() {
      await upstream.close();
    },
  };
}
