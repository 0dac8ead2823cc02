import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  logSearchEventsCreatePermission,
  logSearchEventsReadPermission,
  type LogEvent,
} from '@pilothouse/plugin-log-search-common';
import { logSearchProcessingExtensionPoint } from '@pilothouse/plugin-log-search-node';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logSearchPlugin } from '../plugin';

export const bearer = (user: string) =>
  `Bearer ${mockCredentials.user.token(`user:default/${user}`)}`;
export const serviceBearer = () => `Bearer ${mockCredentials.service.token()}`;

export const CATALOG: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/payments-team',
    },
  },
];

/**
 * Who may do what in these tests: alice may send events as a user, mallory
 * may not read them; everyone else reads. Services are always allowed, as
 * in Backstage's permission framework.
 */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const principal = options.credentials.principal;
      return requests.map(({ permission }) => {
        if (principal.type !== 'user') return { result: AuthorizeResult.ALLOW };
        const user = principal.userEntityRef as string;
        if (isPermission(permission, logSearchEventsCreatePermission)) {
          return {
            result:
              user === 'user:default/alice'
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }
        if (isPermission(permission, logSearchEventsReadPermission)) {
          return {
            result:
              user === 'user:default/mallory'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          };
        }
        return { result: AuthorizeResult.DENY };
      });
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

export interface LogSearchTestEnv {
  server: Server;
  baseUrl: string;
  /** Every batch the test processor saw, in order. */
  processed: LogEvent[][];
  /** The in-process events bus the gateway publishes its audit on. */
  events: DefaultEventsService;
  stop(): Promise<void>;
}

/**
 * A backend with the log-search plugin on SQLite in memory (or the
 * database `features` bring), a processor module on its extension point,
 * the catalog holding component:default/payments, and an events bus.
 */
export async function startLogSearchBackend(
  options: { config?: Record<string, unknown>; features?: any[] } = {},
): Promise<LogSearchTestEnv> {
  const processed: LogEvent[][] = [];
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
    useEventBus: 'never',
  });
  const recorder = createBackendModule({
    pluginId: 'log-search',
    moduleId: 'test-recorder',
    register(reg) {
      reg.registerInit({
        deps: { processing: logSearchProcessingExtensionPoint },
        async init({ processing }) {
          processing.addProcessor({
            id: 'recorder',
            async process(batch) {
              processed.push(batch);
            },
          });
          processing.addProcessor({
            id: 'broken',
            async process() {
              throw new Error('this processor always fails');
            },
          });
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      logSearchPlugin,
      recorder,
      permissionsFactory,
      catalogServiceMock.factory({ entities: CATALOG }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => events,
      }),
      mockServices.rootConfig.factory({
        data: {
          logSearch: { ingest: { maxBodyBytes: 64 * 1024 }, ...options.config },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    server: backend.server,
    baseUrl: `http://localhost:${port}/api/log-search`,
    processed,
    events,
    stop: () => backend.stop(),
  };
}
