import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import {
  logSearchProcessingExtensionPoint,
  type LogEventProcessor,
} from '@pilothouse/plugin-log-search-node';
import detectionsModule from '../index';
import { AI_TRAFFIC_PACK, gatewayAudit } from './events';

export const as = (user: string) =>
  `Bearer ${mockCredentials.user.token(`user:default/${user}`)}`;

/** kwame (security-team) may update detections; everyone signed in reads; mallory nothing. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(
      requests: any[],
      options: { credentials: BackstageCredentials },
    ) {
      const user = (options.credentials.principal as any).userEntityRef;
      return requests.map(({ permission }) => ({
        result:
          user !== 'user:default/mallory' &&
          (permission.attributes.action === 'read' ||
            user === 'user:default/kwame')
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

/** The log-search plugin's extension point, handing batches to the processors. */
function logSearchStandIn(processors: LogEventProcessor[]) {
  return createBackendPlugin({
    pluginId: 'log-search',
    register(env) {
      env.registerExtensionPoint(logSearchProcessingExtensionPoint, {
        addProcessor: p => void processors.push(p),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

/**
 * The detections module alone on SQLite with the AI-traffic rule pack,
 * anonymous requests anonymous, and one detection raised (five denied
 * tool calls), so its routes have something to act on.
 */
export async function startDetectionsBackend() {
  const processors: LogEventProcessor[] = [];
  const backend = await startTestBackend({
    features: [
      logSearchStandIn(processors),
      detectionsModule,
      permissionsFactory,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          logSearch: {
            detections: {
              rulePaths: [{ pack: 'ai-traffic', path: AI_TRAFFIC_PACK }],
            },
          },
        },
      }),
      catalogServiceMock.factory({ entities: [] }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => actionsRegistryServiceMock(),
      }),
    ],
  });
  const denied: LogEvent[] = [0, 1, 2, 3, 4].map(minute =>
    gatewayAudit(
      {
        kind: 'tool',
        decision: 'deny',
        target: 'kubernetes.delete_pod',
        rule: 'destructive-tools-only-for-owners',
      },
      {
        timestamp: new Date(Date.UTC(2026, 10, 27, 9, minute)).toISOString(),
        entityRef: 'component:default/payments',
      },
    ),
  );
  await Promise.all(processors.map(p => p.process(denied)));
  return backend;
}
