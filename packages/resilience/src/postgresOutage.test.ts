import type { AssistantEvent } from '@pilothouse/plugin-ai-assistant-common';
import request from 'supertest';
import { startCluster, TestCluster } from './__testUtils__/cluster';
import { bearer, eventsOf, Portal, startPortal } from './__testUtils__/portal';
import {
  eventually,
  startPostgres,
  ThrowawayPostgres,
} from './__testUtils__/servers';

const PAYMENTS = 'component:default/payments';

let cluster: TestCluster;
let postgres: ThrowawayPostgres;

beforeAll(async () => {
  cluster = await startCluster();
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  await postgres?.destroy();
  await cluster?.close();
}, 60_000);

const portalOnPostgres = (options: { logSearch?: boolean } = {}) =>
  startPortal({
    kubeconfigPath: cluster.kubeconfigPath,
    postgres: postgres.connection,
    ...options,
  });

function as(portal: Portal, user: string) {
  return {
    get: (path: string) =>
      request(portal.server).get(path).set('authorization', bearer(user)),
    post: (path: string, body: object = {}) =>
      request(portal.server)
        .post(path)
        .set('authorization', bearer(user))
        .send(body),
  };
}

const approvalOf = (events: AssistantEvent[]) =>
  events.find(
    (e): e is Extract<AssistantEvent, { type: 'approval_required' }> =>
      e.type === 'approval_required',
  );

/** alice asks to scale payments up by one; the gateway asks bob to approve. */
async function pendingScale(portal: Portal) {
  const replicas = await cluster.replicas('payments', 'payments');
  const created = await as(portal, 'alice').post(
    '/api/ai-assistant/v1/conversations',
    { entityRef: PAYMENTS },
  );
  expect(created.status).toBe(201);
  const conversationId = created.body.id as string;
  const paused = eventsOf(
    (
      await as(portal, 'alice').post(
        `/api/ai-assistant/v1/conversations/${conversationId}/messages`,
        {
          text: `kubernetes.scale_deployment namespace=payments name=payments replicas=${
            replicas + 1
          }`,
        },
      )
    ).text,
  );
  const asked = approvalOf(paused);
  expect(asked?.approval.status).toBe('pending');
  return { conversationId, approvalId: asked!.approval.id, replicas };
}

/** bob approves, alice resumes: the change is made. */
async function approveAndResume(
  portal: Portal,
  pending: Awaited<ReturnType<typeof pendingScale>>,
) {
  const { conversationId, approvalId, replicas } = pending;
  const page = await as(portal, 'alice').get(
    `/api/ai-assistant/v1/conversations/${conversationId}`,
  );
  expect(page.status).toBe(200);
  expect(page.body.messages.at(-1).status).toBe('awaiting_approval');
  const bobs = await as(portal, 'bob').get('/api/llm-gateway/v1/approvals');
  expect(bobs.body.approvals).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ id: approvalId, status: 'pending' }),
    ]),
  );

  const approved = await as(portal, 'bob').post(
    `/api/llm-gateway/v1/approvals/${approvalId}/approve`,
  );
  expect(approved.status).toBe(200);
  const resumed = eventsOf(
    (
      await as(portal, 'alice').post(
        `/api/ai-assistant/v1/conversations/${conversationId}/resume`,
      )
    ).text,
  );
  expect((resumed.at(-1) as any).message.status).toBe('done');
  expect(await cluster.replicas('payments', 'payments')).toBe(replicas + 1);
}

describe('PostgreSQL stopped and restarted under a running portal', () => {
  it('answers 503 meanwhile, then recovers without a restart, losing no conversation or approval', async () => {
    const portal = await portalOnPostgres();
    try {
      const pending = await pendingScale(portal);

      await postgres.stop();
      const during = [
        await as(portal, 'alice').get(
          `/api/ai-assistant/v1/conversations/${pending.conversationId}`,
        ),
        await as(portal, 'alice').get('/api/ai-assistant/v1/conversations'),
        await as(portal, 'bob').get('/api/llm-gateway/v1/approvals'),
        await as(portal, 'bob').post(
          `/api/llm-gateway/v1/approvals/${pending.approvalId}/approve`,
        ),
      ];
      for (const res of during) {
        // Not the database's address either (Backstage's error handler
        // would answer an error's cause).
        expect(res.text).not.toContain(String(postgres.port));
        expect({ status: res.status, body: res.body }).toEqual({
          status: 503,
          body: expect.objectContaining({
            error: expect.objectContaining({
              name: 'ServiceUnavailableError',
              message: 'The database is unavailable; try again shortly',
            }),
          }),
        });
      }

      await postgres.start();
      await eventually(
        'the portal did not reconnect to PostgreSQL',
        async () => {
          const res = await as(portal, 'alice').get(
            '/api/ai-assistant/v1/conversations',
          );
          expect(res.status).toBe(200);
        },
        30_000,
      );
      await approveAndResume(portal, pending);
    } finally {
      await portal.stop();
      // A failed test leaves PostgreSQL running for the next one.
      await postgres.start().catch(() => undefined);
    }
  }, 180_000);

  it('tells log shippers to retry while it is down, then stores and finds what they send again', async () => {
    const portal = await portalOnPostgres({ logSearch: true });
    const line = (message: string) =>
      JSON.stringify({ level: 'error', service: 'payments', message });
    const ingest = (body: string) =>
      request(portal.server)
        .post('/api/log-search/v1/ingest')
        .set('authorization', bearer('alice'))
        .set('content-type', 'application/x-ndjson')
        .send(body);
    const otlp = (message: string) =>
      request(portal.server)
        .post('/api/log-search/v1/otlp/v1/logs')
        .set('authorization', bearer('alice'))
        .send({
          resourceLogs: [
            {
              resource: {
                attributes: [
                  { key: 'service.name', value: { stringValue: 'payments' } },
                ],
              },
              scopeLogs: [
                {
                  logRecords: [
                    { severityText: 'ERROR', body: { stringValue: message } },
                  ],
                },
              ],
            },
          ],
        });
    const search = (words: string) =>
      as(portal, 'alice').get(
        `/api/log-search/v1/search?q=${encodeURIComponent(
          words,
        )}&from=now-1h&to=now`,
      );
    try {
      expect((await ingest(line('before the outage'))).body).toMatchObject({
        accepted: 1,
      });

      await postgres.stop();
      // Fluent Bit retries a 5xx; the OTel Collector and SDKs retry 503
      // with a google.rpc.Status of UNAVAILABLE and honour Retry-After.
      const lines = await ingest(line('during the outage'));
      expect({ status: lines.status, error: lines.body.error }).toEqual({
        status: 503,
        error: expect.objectContaining({
          name: 'ServiceUnavailableError',
          message: 'The database is unavailable; try again shortly',
        }),
      });
      expect(lines.text).not.toContain(String(postgres.port));
      const records = await otlp('during the outage, over OTLP');
      expect(records.status).toBe(503);
      expect(records.headers['retry-after']).toBe('5');
      expect(records.body).toEqual({
        code: 14,
        message: 'The database is unavailable; try again shortly',
      });
      expect((await search('outage')).status).toBe(503);

      await postgres.start();
      // What the shippers send again once it answers.
      await eventually(
        'log ingest did not recover after PostgreSQL came back',
        async () => {
          expect((await ingest(line('during the outage'))).status).toBe(200);
        },
        30_000,
      );
      expect((await otlp('during the outage, over OTLP')).status).toBe(200);
      const found = await search('"during the outage"');
      expect(found.status).toBe(200);
      expect(found.body.events.map((e: any) => e.message).sort()).toEqual([
        'during the outage',
        'during the outage, over OTLP',
      ]);
      expect((await search('"before the outage"')).body.events).toHaveLength(1);
    } finally {
      await portal.stop();
      // A failed test leaves PostgreSQL running for the next one.
      await postgres.start().catch(() => undefined);
    }
  }, 180_000);

  it('keeps a pending approval across a restart of the backend, to be decided and resumed', async () => {
    const first = await portalOnPostgres();
    let pending: Awaited<ReturnType<typeof pendingScale>>;
    try {
      pending = await pendingScale(first);
    } finally {
      await first.stop();
    }
    const second = await portalOnPostgres();
    try {
      const listed = await as(second, 'alice').get(
        '/api/ai-assistant/v1/conversations',
      );
      expect(listed.body.conversations.map((c: any) => c.id)).toContain(
        pending!.conversationId,
      );
      await approveAndResume(second, pending!);
    } finally {
      await second.stop();
    }
  }, 180_000);
});
