import {
  coreServices,
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
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Detection } from '@pilothouse/plugin-log-search-common';
import logSearchPlugin from '@pilothouse/plugin-log-search-backend';
import path from 'node:path';
import request from 'supertest';
import { AI_TRAFFIC_PACK, SIGMA_FIXTURES } from './__testUtils__/events';
import detectionsModule from './index';

jest.setTimeout(60_000);

/** Services (log shippers) and users read; only kwame (security-team) updates detections. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(
      requests: any[],
      options: { credentials: BackstageCredentials },
    ) {
      const principal = options.credentials.principal as any;
      return requests.map(({ permission }) => ({
        result:
          principal.type === 'service' ||
          permission.attributes.action === 'read' ||
          principal.userEntityRef === 'user:default/kwame'
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

describe('detections through the log-search plugin’s real ingest', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
    useEventBus: 'never',
  });
  const service = `Bearer ${mockCredentials.service.token()}`;
  const user = (name: string) =>
    `Bearer ${mockCredentials.user.token(`user:default/${name}`)}`;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        logSearchPlugin,
        detectionsModule,
        permissionsFactory,
        catalogServiceMock.factory({ entities: [] }),
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: async () => {} }),
        }),
        actionsRegistryServiceMock.factory(),
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
                ],
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  const detections = async (): Promise<Detection[]> =>
    (
      await request(backend.server)
        .get('/api/log-search/v1/detections')
        .set('authorization', user('alice'))
    ).body.items;

  it('detects Kubernetes audit and CloudTrail records sent as JSON lines, and not their near misses', async () => {
    const now = new Date().toISOString();
    const lines = [
      // Kubernetes: a secrets listing (match) and a single get (near miss).
      {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: 'a-1',
        stage: 'ResponseComplete',
        verb: 'list',
        user: { username: 'system:serviceaccount:ci:deployer' },
        objectRef: { resource: 'secrets', namespace: 'payments' },
        responseStatus: { code: 200 },
        requestReceivedTimestamp: now,
      },
      {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: 'a-2',
        verb: 'get',
        user: { username: 'system:serviceaccount:ci:deployer' },
        objectRef: { resource: 'secrets', namespace: 'payments' },
        responseStatus: { code: 200 },
        requestReceivedTimestamp: now,
      },
      // CloudTrail: logging stopped (match), logging started (near miss).
      {
        eventVersion: '1.08',
        eventTime: now,
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'StopLogging',
        awsRegion: 'eu-west-1',
        userIdentity: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::123456789012:user/mallory',
        },
      },
      {
        eventVersion: '1.08',
        eventTime: now,
        eventSource: 'cloudtrail.amazonaws.com',
        eventName: 'StartLogging',
        awsRegion: 'eu-west-1',
        userIdentity: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::123456789012:user/mallory',
        },
      },
    ];
    const ingest = await request(backend.server)
      .post('/api/log-search/v1/ingest')
      .set('authorization', service)
      .set('content-type', 'application/x-ndjson')
      .send(lines.map(l => JSON.stringify(l)).join('\n'));
    expect(ingest.status).toBe(200);
    expect(ingest.body).toEqual({ accepted: 4, rejected: [] });

    const found = await detections();
    expect(found.map(d => [d.ruleTitle, d.groupKey]).sort()).toEqual([
      [
        'AWS CloudTrail Important Change',
        'userIdentity.arn=arn:aws:iam::123456789012:user/mallory',
      ],
      [
        'Kubernetes Secrets Enumeration',
        'user.username=system:serviceaccount:ci:deployer',
      ],
    ]);
    const secrets = found.find(
      d => d.ruleTitle === 'Kubernetes Secrets Enumeration',
    )!;
    const detail = await request(backend.server)
      .get(`/api/log-search/v1/detections/${secrets.id}`)
      .set('authorization', user('alice'));
    expect(detail.body.events).toEqual([
      expect.objectContaining({
        attributes: expect.objectContaining({ auditID: 'a-1', verb: 'list' }),
      }),
    ]);
  });

  it('detects the AI traffic pattern from the gateway’s audit records on the events bus', async () => {
    const start = Date.now();
    for (let i = 0; i < 5; i++) {
      await events.publish({
        topic: 'llm-gateway.audit',
        eventPayload: {
          id: `audit-${i}`,
          seq: i,
          time: new Date(start + i * 1000).toISOString(),
          actor: 'user:default/dmitri',
          kind: 'tool',
          target: 'kubernetes.delete_pod',
          decision: 'deny',
          rule: 'destructive-tools-only-for-owners',
          findings: {},
          prevHash: 'p',
          hash: 'h',
        },
      });
    }
    const burst = (await detections()).find(
      d => d.ruleTitle === 'Repeated Denied Tool Calls By One User',
    );
    expect(burst).toMatchObject({
      groupKey: 'actor=user:default/dmitri',
      level: 'high',
      attack: ['attack.discovery', 'attack.t1069'],
    });
  });
});
