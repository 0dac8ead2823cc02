import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
// The portal's backend plugins together, as packages/backend runs them.
/* eslint-disable @backstage/no-mixed-plugin-imports */
import aiAssistantPlugin from '@pilothouse/plugin-ai-assistant-backend';
import type { AssistantEvent } from '@pilothouse/plugin-ai-assistant-common';
import llmGatewayPlugin from '@pilothouse/plugin-llm-gateway-backend';
import logSearchPlugin from '@pilothouse/plugin-log-search-backend';
import mcpServersPlugin from '@pilothouse/plugin-mcp-servers-backend';
/* eslint-enable @backstage/no-mixed-plugin-imports */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './cluster';

/** The repository's users, groups and components, as written in catalog/. */
const CATALOG: Entity[] = [
  'catalog/org.yaml',
  'catalog/components.yaml',
].flatMap(file =>
  parseAllDocuments(fs.readFileSync(path.join(repoRoot, file), 'utf8'))
    .map(doc => doc.toJS() as Entity)
    .filter(Boolean),
);

/** Each user's groups as the catalog declares them (spec.memberOf). */
const GROUPS: Record<string, string[]> = Object.fromEntries(
  CATALOG.filter(e => e.kind === 'User').map(user => [
    `user:default/${user.metadata.name}`,
    ((user.spec?.memberOf as string[] | undefined) ?? []).map(
      g => `group:default/${g}`,
    ),
  ]),
);

export const bearer = (user: string) =>
  `Bearer ${mockCredentials.user.token(`user:default/${user}`)}`;

/** mcp-kubernetes over stdio, spawned by the backend as app-config.yaml does. */
export function kubernetesMcpServer(kubeconfigPath: string) {
  return {
    id: 'kubernetes',
    command: process.execPath,
    args: [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      path.join(repoRoot, 'packages/mcp-kubernetes/src/index.ts'),
      '--transport',
      'stdio',
    ],
    env: { KUBECONFIG: kubeconfigPath },
    callTimeoutMs: 60_000,
  };
}

export interface PortalOptions {
  /** PostgreSQL through Backstage's own database service; SQLite in memory without. */
  postgres?: { host: string; port: number; user: string };
  kubeconfigPath: string;
  /** Merged over the gateway's config (providers default to the local model). */
  llmGateway?: Record<string, unknown>;
  /** Log search too, on the same database (its embedded store). */
  logSearch?: boolean;
}

export interface Portal {
  server: Server;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The portal's backend as far as these tests reach: the real gateway,
 * assistant and MCP servers plugins on their real parts, the repository's
 * catalog and policies, mcp-kubernetes spawned over stdio. Notifications
 * and signals go nowhere: those backends are other plugins.
 */
export async function startPortal(options: PortalOptions): Promise<Portal> {
  const database = options.postgres ? [databaseServiceFactory] : [];
  const backend = await startTestBackend({
    features: [
      llmGatewayPlugin,
      aiAssistantPlugin,
      mcpServersPlugin,
      ...(options.logSearch ? [logSearchPlugin] : []),
      ...database,
      createServiceFactory({
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
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ async send() {} }),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ async publish() {} }),
      }),
      catalogServiceMock.factory({ entities: CATALOG }),
      mockServices.rootConfig.factory({
        data: JSON.parse(
          JSON.stringify({
            backend: options.postgres
              ? { database: { client: 'pg', connection: options.postgres } }
              : undefined,
            llmGateway: {
              providers: [
                {
                  id: 'local',
                  type: 'local',
                  models: [
                    {
                      name: 'pilothouse-local',
                      inputUsdPerMTok: 0,
                      outputUsdPerMTok: 0,
                    },
                  ],
                },
              ],
              policy: { directory: path.join(repoRoot, 'policies/gateway') },
              ...options.llmGateway,
            },
            pilothouse: {
              mcp: {
                servers: [kubernetesMcpServer(options.kubeconfigPath)],
                restart: { initialDelayMs: 200, maxDelayMs: 2_000 },
              },
            },
          }),
        ),
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    server: backend.server,
    baseUrl: `http://localhost:${port}`,
    stop: () => backend.stop(),
  };
}

/** The events of a server-sent event stream, in order. */
export function eventsOf(body: string): AssistantEvent[] {
  return body
    .split('\n\n')
    .map(frame =>
      frame
        .split('\n')
        .filter(line => line.startsWith('data:'))
        .map(line => line.slice(5).trim())
        .join(''),
    )
    .filter(Boolean)
    .map(data => JSON.parse(data) as AssistantEvent);
}
