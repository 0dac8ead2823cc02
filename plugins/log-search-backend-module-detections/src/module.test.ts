import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  type BackstageCredentials,
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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import {
  AI_TRAFFIC_PACK,
  gatewayAudit,
  kubernetesAudit,
  SIGMA_FIXTURES,
} from './__testUtils__/events';
import detectionsModule from './index';

jest.setTimeout(60_000);

/** Responders (security-team) may update detections; everyone signed in reads. */
const RESPONDERS = ['user:default/kwame'];

const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(
      requests: any[],
      options: { credentials: BackstageCredentials },
    ) {
      const user = (options.credentials.principal as any).userEntityRef as
        | string
        | undefined;
      return requests.map(({ permission }) => ({
        result:
          permission.attributes.action === 'read' ||
          (user && RESPONDERS.includes(user))
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

/**
 * Stands in for the log-search plugin until its backend is on this branch:
 * it provides the processing extension point and hands batches to the
 * processors, as the real ingest does after storing them.
 */
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

async function startWebhookReceiver() {
  const received: any[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', c => (text += c));
    req.on('end', () => {
      received.push(JSON.parse(text));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('the detections module in a backend', () => {
  const processors: LogEventProcessor[] = [];
  const notifications: any[] = [];
  const actions = actionsRegistryServiceMock();
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const ingest = (events: LogEvent[]) =>
    Promise.all(processors.map(p => p.process(events)));
  const as = (user: string) =>
    `Bearer ${mockCredentials.user.token(`user:default/${user}`)}`;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    backend = await startTestBackend({
      features: [
        logSearchStandIn(processors),
        detectionsModule,
        permissionsFactory,
        // A request without a token is anonymous, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            logSearch: {
              detections: {
                rulePaths: [
                  { pack: 'ai-traffic', path: AI_TRAFFIC_PACK },
                  {
                    pack: 'kubernetes',
                    path: path.join(
                      SIGMA_FIXTURES,
                      'rules/application/kubernetes',
                    ),
                  },
                  {
                    pack: 'aws-cloudtrail',
                    path: path.join(
                      SIGMA_FIXTURES,
                      'rules/cloud/aws/cloudtrail',
                    ),
                  },
                  {
                    pack: 'not-there',
                    path: path.join(SIGMA_FIXTURES, 'rules/windows'),
                  },
                ],
              },
              alerts: {
                routes: [
                  {
                    name: 'owners',
                    type: 'notifications',
                    levels: ['high', 'critical'],
                  },
                  {
                    name: 'security-slack',
                    type: 'slack',
                    url: receiver.url,
                    levels: ['high', 'critical'],
                  },
                ],
              },
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'payments', namespace: 'default' },
              spec: {
                type: 'service',
                owner: 'payments-team',
                lifecycle: 'production',
              },
            },
          ],
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            send: async (n: unknown) => void notifications.push(n),
          }),
        }),
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => actions,
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await receiver?.close();
  });

  it('registers its processor and lists the rule packs with loaded and supported counts', async () => {
    expect(processors.map(p => p.id)).toEqual(['sigma']);
    const res = await request(backend.server)
      .get('/api/log-search/v1/rules')
      .set('authorization', as('alice'));
    expect(res.status).toBe(200);
    expect(res.body.packs).toEqual([
      { pack: 'ai-traffic', loaded: 10, supported: 10 },
      { pack: 'kubernetes', loaded: 16, supported: 16 },
      { pack: 'aws-cloudtrail', loaded: 57, supported: 57 },
      { pack: 'not-there', loaded: 0, supported: 0 },
    ]);
    const burst = res.body.items.find(
      (r: any) => r.title === 'Burst Of Approvals By One Approver',
    );
    expect(burst).toEqual({
      id: 'cf08f8ce-2231-4df1-affd-293093ecbf6d',
      title: 'Burst Of Approvals By One Approver',
      level: 'high',
      type: 'event_count',
      pack: 'ai-traffic',
      attack: ['attack.privilege-escalation', 'attack.t1548'],
      enabled: true,
    });
  });

  it('needs a signed-in caller', async () => {
    const res = await request(backend.server).get(
      '/api/log-search/v1/detections',
    );
    expect(res.status).toBe(401);
  });

  it('turns five denied tool calls into one detection, alerts the owners and Slack, and shows its events', async () => {
    const denied = (minute: number) =>
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
      );
    await ingest([denied(0), denied(1)]);
    await ingest([denied(2), denied(3), denied(4)]);

    const list = await request(backend.server)
      .get(
        '/api/log-search/v1/detections?since=2026-11-27T00:00:00Z&status=open',
      )
      .set('authorization', as('alice'));
    expect(list.status).toBe(200);
    const detection = list.body.items.find(
      (d: any) => d.ruleTitle === 'Repeated Denied Tool Calls By One User',
    );
    expect(detection).toMatchObject({
      level: 'high',
      status: 'open',
      groupKey: 'actor=user:default/alice',
      entityRef: 'component:default/payments',
      attack: ['attack.discovery', 'attack.t1069'],
      count: 1,
    });
    expect(detection.eventIds).toHaveLength(5);
    // The base rule makes no detection of its own (Sigma's generate: false).
    expect(
      list.body.items.some(
        (d: any) => d.ruleTitle === 'Tool Call Denied By The LLM Gateway',
      ),
    ).toBe(false);

    const one = await request(backend.server)
      .get(`/api/log-search/v1/detections/${detection.id}`)
      .set('authorization', as('alice'));
    expect(one.body.events.map((e: LogEvent) => e.attributes.decision)).toEqual(
      Array(5).fill('deny'),
    );

    await waitFor(
      () => receiver.received.length > 0 && notifications.length > 0,
    );
    expect(receiver.received[0].text).toContain(
      `http://localhost:3000/logs/detections/${detection.id}`,
    );
    expect(notifications[0]).toMatchObject({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/payments-team'],
      },
      payload: { link: `/logs/detections/${detection.id}`, severity: 'high' },
    });
  });

  it('acknowledges and resolves with who and when, for those allowed to', async () => {
    await ingest([
      kubernetesAudit({ verb: 'list', 'objectRef.resource': 'secrets' }),
    ]);
    const list = await request(backend.server)
      .get('/api/log-search/v1/detections?level=low')
      .set('authorization', as('alice'));
    const detection = list.body.items.find(
      (d: any) => d.ruleTitle === 'Kubernetes Secrets Enumeration',
    );
    expect(detection).toMatchObject({
      groupKey: 'user.username=system:serviceaccount:default:builder',
      attack: ['attack.t1552.007', 'attack.credential-access'],
    });

    const denied = await request(backend.server)
      .post(`/api/log-search/v1/detections/${detection.id}/acknowledge`)
      .set('authorization', as('alice'))
      .send({});
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'You need the log-search.detections.update permission for this',
    );

    const acked = await request(backend.server)
      .post(`/api/log-search/v1/detections/${detection.id}/acknowledge`)
      .set('authorization', as('kwame'))
      .send({ note: 'builder lists secrets on deploy' });
    expect(acked.status).toBe(200);
    expect(acked.body.detection).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/kwame',
      note: 'builder lists secrets on deploy',
    });
    expect(acked.body.events).toHaveLength(1);

    const again = await request(backend.server)
      .post(`/api/log-search/v1/detections/${detection.id}/acknowledge`)
      .set('authorization', as('kwame'))
      .send({});
    expect(again.status).toBe(409);

    const resolved = await request(backend.server)
      .post(`/api/log-search/v1/detections/${detection.id}/resolve`)
      .set('authorization', as('kwame'))
      .send({});
    expect(resolved.body.detection).toMatchObject({
      status: 'resolved',
      resolvedBy: 'user:default/kwame',
    });
  });

  it('answers bad input with what was wrong', async () => {
    const bad = async (url: string) => {
      const res = await request(backend.server)
        .get(url)
        .set('authorization', as('alice'));
      return [res.status, res.body.error?.message];
    };
    expect(await bad('/api/log-search/v1/detections?since=yesterday')).toEqual([
      400,
      'since "yesterday" is neither an ISO 8601 time nor a relative one like now-24h',
    ]);
    expect(await bad('/api/log-search/v1/detections?level=urgent')).toEqual([
      400,
      'level "urgent" is not one of informational, low, medium, high, critical',
    ]);
    expect(await bad('/api/log-search/v1/detections/nope')).toEqual([
      404,
      'No detection "nope"',
    ]);
    const note = await request(backend.server)
      .post('/api/log-search/v1/detections/nope/acknowledge')
      .set('authorization', as('kwame'))
      .send({ note: 5 });
    expect(note.status).toBe(400);
    expect(note.body.error.message).toMatch(/^Invalid request: note: /);
  });

  it('lists and acknowledges detections as actions, under the caller’s permissions', async () => {
    await ingest([
      kubernetesAudit({
        verb: 'create',
        'objectRef.resource': 'pods',
        'objectRef.subresource': 'exec',
      }),
    ]);
    // The mock registry names actions after a stand-in plugin; the portal's is `log-search:<name>`.
    const idOf = async (name: string) =>
      (await actions.list()).actions.find(a => a.name === name)!.id;
    const { output } = await actions.invoke({
      id: await idOf('list-detections'),
      input: { status: ['open'], level: ['medium'] },
      credentials: mockCredentials.user('user:default/alice'),
    });
    const exec = (output as any).detections.find(
      (d: any) =>
        d.ruleTitle === 'Potential Remote Command Execution In Pod Container',
    );
    expect(exec).toMatchObject({ status: 'open', level: 'medium' });

    await expect(
      actions.invoke({
        id: await idOf('acknowledge-detection'),
        input: { id: exec.id },
        credentials: mockCredentials.user('user:default/alice'),
      }),
    ).rejects.toThrow(/log-search.detections.update/);
    const acked = await actions.invoke({
      id: await idOf('acknowledge-detection'),
      input: { id: exec.id, note: 'debugging' },
      credentials: mockCredentials.user('user:default/kwame'),
    });
    expect((acked.output as any).detection).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/kwame',
    });
  });
});

async function waitFor(condition: () => boolean) {
  for (let i = 0; i < 100 && !condition(); i++)
    await new Promise(r => setTimeout(r, 50));
}
