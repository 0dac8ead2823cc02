import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startLlmStandIn, RunningLlmStandIn } from '@pilothouse/sandbox';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import {
  repoCatalogEntities,
  repoPolicyDirectory,
} from '../__fixtures__/repository';
import { createLlmGatewayPlugin } from '../plugin';
import { createGatewayParts, GatewayParts } from '../services/parts';

/**
 * An AWS access key id, built at run time so no scanner flags the file. Not
 * the documented example key: secretlint lets that one through on purpose.
 */
export const AWS_ACCESS_KEY = ['AKIA', 'Z7VRSQ5TJN2XHP4Y'].join('');

/**
 * The repository's catalog (catalog/*.yaml): alice is in payments-team
 * (owner of the confidential, production `payments`), bob in sre (an
 * approver), carol in platform-admins and platform-team (owner of the
 * experimental `notifications`).
 */
const CATALOG: Entity[] = repoCatalogEntities();

/** Each user's groups as the catalog declares them (spec.memberOf). */
export const GROUPS: Record<string, string[]> = Object.fromEntries(
  CATALOG.filter(e => e.kind === 'User').map(user => [
    `user:default/${user.metadata.name}`,
    ((user.spec?.memberOf as string[] | undefined) ?? []).map(
      g => `group:default/${g}`,
    ),
  ]),
);

export const tokenOf = (user: string) =>
  mockCredentials.user.token(`user:default/${user}`);
export const bearer = (user: string) => `Bearer ${tokenOf(user)}`;

/** userInfo with the catalog's groups (the mock gives every user none). */
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

/** A custom DLP rule, as an admin would configure one: a code name. */
const PROJECT_ORCA_RULE = {
  name: 'PROJECT_ORCA',
  dictionary: ['project orca'],
  dataClass: 'confidential',
  actions: { input: 'allow', output: 'allow' },
};

export interface GatewayTestEnv {
  server: Server;
  baseUrl: string;
  upstream: RunningLlmStandIn;
  /** The parts the plugin was built with. */
  parts: GatewayParts;
  /** The plugin's own database. */
  knex: Knex;
  stop(): Promise<void>;
}

/**
 * A backend with the gateway on its real parts (inspector, CEL policy engine
 * with the repository's policies/gateway files, catalog entity resolver on
 * the repository's catalog, database audit log, quotas), the stand-in model
 * upstream behind two providers (`primary` Anthropic-style, `backup`
 * OpenAI-style, both limited to `internal` data), the local model, and the
 * tools fixture as MCP server `tools`. The database is SQLite in memory
 * unless a `mockServices.database.factory({ knex })` is in `features`.
 *
 * `parts` replaces real parts only to force a failure mode the real ones do
 * not have on demand (a policy engine that throws, say).
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
  let built: { parts: GatewayParts; knex: Knex } | undefined;
  const backend = await startTestBackend({
    features: [
      createLlmGatewayPlugin({
        parts: async env => {
          const parts = {
            ...(await createGatewayParts(env)),
            ...options.parts,
          };
          built = { parts, knex: env.knex };
          return parts;
        },
      }),
      userInfoFactory,
      catalogServiceMock.factory({ entities: CATALOG }),
      mockServices.rootConfig.factory({
        data: JSON.parse(
          JSON.stringify({
            llmGateway: {
              providers,
              routing: {
                breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
              },
              policy: { directory: repoPolicyDirectory },
              inspection: { rules: [PROJECT_ORCA_RULE] },
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
  const server = backend.server;
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://localhost:${port}/api/llm-gateway`,
    upstream,
    parts: built!.parts,
    knex: built!.knex,
    async stop() {
      await backend.stop();
      await upstream.close();
    },
  };
}
