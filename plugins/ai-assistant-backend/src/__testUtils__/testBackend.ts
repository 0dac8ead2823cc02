import {
  coreServices,
  createServiceFactory,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import {
  createKubernetesClients,
  createKubernetesMcpServer,
  loadKubeConfig,
  startHttpServer,
} from '@pilothouse/mcp-kubernetes';
import type { AssistantEvent } from '@pilothouse/plugin-ai-assistant-common';
// The tests run the real gateway beside the assistant, as the portal does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import llmGatewayPlugin from '@pilothouse/plugin-llm-gateway-backend';
import { startSandbox } from '@pilothouse/sandbox';
import type { Knex } from 'knex';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createTicketsServer } from './ticketsServer';
import { createAiAssistantPlugin } from '../plugin';

export const repoRoot = path.resolve(
  resolvePackagePath('@pilothouse/plugin-ai-assistant-backend'),
  '../..',
);

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

export const tokenOf = (user: string) =>
  mockCredentials.user.token(`user:default/${user}`);
export const bearer = (user: string) => `Bearer ${tokenOf(user)}`;

/** The sandbox cluster, mcp-kubernetes and the tickets fixture over HTTP, in this process. */
export interface TestCluster {
  kubernetesUrl: string;
  ticketsUrl: string;
  /** A deployment's replica count, read from the sandbox's API. */
  replicas(namespace: string, name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startCluster(): Promise<TestCluster> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-assistant-'));
  const sandbox = await startSandbox({
    port: 0,
    dataDir,
    seedFile: path.join(repoRoot, 'catalog/sandbox.yaml'),
  });
  const clients = createKubernetesClients(
    loadKubeConfig(sandbox.kubeconfigPath!),
  );
  const http = {
    port: 0,
    host: '127.0.0.1',
    allowedHosts: ['localhost', '127.0.0.1'],
  };
  const kubernetes = await startHttpServer({
    ...http,
    createServer: () => createKubernetesMcpServer({ clients, logCalls: false }),
  });
  const tickets = await startHttpServer({
    ...http,
    createServer: createTicketsServer,
  });
  return {
    kubernetesUrl: kubernetes.url,
    ticketsUrl: tickets.url,
    async replicas(namespace, name) {
      const scale = await clients.apps.readNamespacedDeploymentScale({
        namespace,
        name,
      });
      return scale.spec?.replicas ?? 0;
    },
    async close() {
      await kubernetes.close();
      await tickets.close();
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The local model only: what a laptop runs. */
export const LOCAL_ONLY = [
  {
    id: 'local',
    type: 'local',
    models: [
      { name: 'pilothouse-local', inputUsdPerMTok: 0, outputUsdPerMTok: 0 },
    ],
  },
];

export interface AssistantTestBackend {
  server: Server;
  baseUrl: string;
  /** Notifications the assistant sent, oldest first. */
  notifications: NotificationSendOptions[];
  /** Signals the assistant published, oldest first. */
  signals: SignalPayload[];
  stop(): Promise<void>;
}

/**
 * A backend with the real gateway plugin (its real parts: inspector, CEL
 * policy engine on the repository's policies, catalog entity resolver on
 * the repository's catalog, audit log, quotas, approvals) and the
 * assistant, each on its own database, so a test can restart the backend
 * on the same data. Tools: mcp-kubernetes on the sandbox and the tickets
 * fixture. Notifications and signals go to recorders: the notifications
 * and signals backends are other plugins.
 */
export async function startAssistantBackend(options: {
  cluster: TestCluster;
  databases: { gateway: Knex; assistant: Knex };
  providers?: unknown[];
  llmGateway?: object;
  aiAssistant?: object;
  /** More features or service factories (an httpAuth that leaves anonymous calls anonymous, say). */
  features?: any[];
}): Promise<AssistantTestBackend> {
  const notifications: NotificationSendOptions[] = [];
  const signals: SignalPayload[] = [];
  const byPlugin: Record<string, Knex> = {
    'llm-gateway': options.databases.gateway,
    'ai-assistant': options.databases.assistant,
  };
  const backend = await startTestBackend({
    features: [
      llmGatewayPlugin,
      createAiAssistantPlugin(),
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => {
          const knex = byPlugin[plugin.getId()];
          if (!knex) {
            throw new Error(`no test database for plugin ${plugin.getId()}`);
          }
          return mockServices.database({ knex });
        },
      }),
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
        factory: () => ({
          async send(notification: NotificationSendOptions) {
            notifications.push(notification);
          },
        }),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          async publish(signal: SignalPayload) {
            signals.push(signal);
          },
        }),
      }),
      catalogServiceMock.factory({ entities: CATALOG }),
      mockServices.rootConfig.factory({
        data: JSON.parse(
          JSON.stringify({
            llmGateway: {
              providers: options.providers ?? LOCAL_ONLY,
              policy: { directory: path.join(repoRoot, 'policies/gateway') },
              ...options.llmGateway,
            },
            aiAssistant: options.aiAssistant ?? {},
            pilothouse: {
              mcp: {
                servers: [
                  {
                    id: 'kubernetes',
                    url: options.cluster.kubernetesUrl,
                    callTimeoutMs: 10_000,
                  },
                  {
                    id: 'tickets',
                    url: options.cluster.ticketsUrl,
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
  const { port } = backend.server.address() as AddressInfo;
  return {
    server: backend.server,
    baseUrl: `http://localhost:${port}`,
    notifications,
    signals,
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
