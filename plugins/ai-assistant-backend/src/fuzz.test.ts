import { TestDatabases } from '@backstage/backend-test-utils';
import {
  fuzzPluginRoutes,
  hostileString,
  mutated,
} from '@pilothouse/http-route-tests';
import fc from 'fast-check';
import {
  AssistantTestBackend,
  bearer,
  startAssistantBackend,
  startCluster,
  TestCluster,
} from './__testUtils__/testBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/*
 * Every /api/ai-assistant route under hostile input, as alice with a few
 * conversations of her own, on the real gateway and SQLite (voice input
 * is not set up here).
 */
describe('/api/ai-assistant under hostile input', () => {
  let cluster: TestCluster;
  let env: AssistantTestBackend;

  beforeAll(async () => {
    cluster = await startCluster();
    env = await startAssistantBackend({
      cluster,
      databases: {
        gateway: await databases.init('SQLITE_3'),
        assistant: await databases.init('SQLITE_3'),
      },
    });
  });

  afterAll(async () => {
    await env?.stop();
    await cluster?.close();
  });

  it('answers every route below 500, with a message for every 4xx', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(
        `${env.baseUrl}/api/ai-assistant/v1/conversations`,
        {
          method: 'POST',
          headers: {
            authorization: bearer('alice'),
            'content-type': 'application/json',
          },
          body: '{}',
        },
      );
      expect(res.status).toBe(201);
      ids.push((await res.json()).id);
    }
    const text = hostileString();
    const id = fc.oneof(fc.constantFrom(...ids), text);
    const entityRef = fc.oneof(fc.constant('component:default/payments'), text);
    const message = mutated(
      fc.record({ text, entityRef }, { requiredKeys: ['text'] }),
    );
    await fuzzPluginRoutes({
      server: env.server,
      pluginId: 'ai-assistant',
      authorization: bearer('alice'),
      numRuns: 15,
      routes: {
        'GET /health': {},
        'POST /v1/transcribe': {
          expected5xx: { 503: 'voice input is not set up on this backend' },
        },
        'GET /v1/transcribe': {},
        'GET /v1/conversations': {},
        'POST /v1/conversations': {
          body: mutated(
            fc.record({ title: text, entityRef }, { requiredKeys: [] }),
          ),
        },
        'GET /v1/conversations/:id': { params: { id } },
        'DELETE /v1/conversations/:id': { params: { id } },
        'POST /v1/conversations/:id/messages': {
          params: { id },
          body: message,
        },
        'POST /v1/conversations/:id/resume': { params: { id } },
        'POST /v1/conversations/:id/undo': {
          params: { id },
          body: mutated(fc.record({ callId: text })),
        },
        'POST /v1/conversations/:id/cancel': { params: { id } },
        'POST /v1/plan': { body: message },
        'POST /v1/approvals/:approvalId/decided': {},
      },
    });
    const res = await fetch(
      `${env.baseUrl}/api/ai-assistant/v1/conversations`,
      {
        headers: { authorization: bearer('alice') },
      },
    );
    expect(res.status).toBe(200);
  });
});
