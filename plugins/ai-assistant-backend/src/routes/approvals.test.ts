import { TestDatabases } from '@backstage/backend-test-utils';
import type { AssistantEvent } from '@pilothouse/plugin-ai-assistant-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { INJECTED_TICKET } from '../__testUtils__/ticketsServer';
import { startObedientModel } from '../__testUtils__/scriptedModel';
import {
  AssistantTestBackend,
  bearer,
  eventsOf,
  startAssistantBackend,
  startCluster,
  TestCluster,
} from '../__testUtils__/testBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const PAYMENTS = 'component:default/payments';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster();
});

afterAll(async () => {
  await cluster?.close();
});

async function newConversation(env: AssistantTestBackend, user: string) {
  const res = await request(env.server)
    .post('/api/ai-assistant/v1/conversations')
    .set('authorization', bearer(user))
    .send({ entityRef: PAYMENTS });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function post(
  env: AssistantTestBackend,
  user: string,
  path: string,
  body: object = {},
) {
  return request(env.server)
    .post(path)
    .set('authorization', bearer(user))
    .send(body);
}

const approvalOf = (events: AssistantEvent[]) =>
  events.find(
    (e): e is Extract<AssistantEvent, { type: 'approval_required' }> =>
      e.type === 'approval_required',
  );

describe.each(databases.eachSupportedId())('approvals (%p)', databaseId => {
  let dbs: { gateway: Knex; assistant: Knex };

  beforeEach(async () => {
    dbs = {
      gateway: await databases.init(databaseId),
      assistant: await databases.init(databaseId),
    };
  });

  it('survive a restart of the backend', async () => {
    const first = await startAssistantBackend({ cluster, databases: dbs });
    const before = await cluster.replicas('payments', 'payments');
    let id: string;
    let approvalId: string;
    try {
      id = await newConversation(first, 'alice');
      const paused = eventsOf(
        (
          await post(
            first,
            'alice',
            `/api/ai-assistant/v1/conversations/${id}/messages`,
            {
              text: `kubernetes.scale_deployment namespace=payments name=payments replicas=${
                before + 1
              }`,
            },
          )
        ).text,
      );
      approvalId = approvalOf(paused)!.approval.id;
    } finally {
      await first.stop();
    }

    const second = await startAssistantBackend({ cluster, databases: dbs });
    try {
      const page = await request(second.server)
        .get(`/api/ai-assistant/v1/conversations/${id}`)
        .set('authorization', bearer('alice'));
      expect(page.body.messages.at(-1).status).toBe('awaiting_approval');
      expect(
        (
          await post(
            second,
            'bob',
            `/api/llm-gateway/v1/approvals/${approvalId}/approve`,
          )
        ).status,
      ).toBe(200);
      const resumed = eventsOf(
        (
          await post(
            second,
            'alice',
            `/api/ai-assistant/v1/conversations/${id}/resume`,
          )
        ).text,
      );
      expect((resumed.at(-1) as any).message.status).toBe('done');
      expect(await cluster.replicas('payments', 'payments')).toBe(before + 1);
    } finally {
      await second.stop();
    }
  });

  it('cannot be used once expired', async () => {
    const env = await startAssistantBackend({ cluster, databases: dbs });
    const before = await cluster.replicas('payments', 'payments');
    try {
      const id = await newConversation(env, 'alice');
      const paused = eventsOf(
        (
          await post(
            env,
            'alice',
            `/api/ai-assistant/v1/conversations/${id}/messages`,
            {
              text: 'kubernetes.scale_deployment namespace=payments name=payments replicas=11',
            },
          )
        ).text,
      );
      const { approval } = approvalOf(paused)!;
      await post(
        env,
        'bob',
        `/api/llm-gateway/v1/approvals/${approval.id}/approve`,
      );
      // The approval's time runs out before the requester comes back.
      await dbs
        .gateway('llm_gateway_approvals')
        .where({ id: approval.id })
        .update({ expires_at: new Date(Date.now() - 1000).toISOString() });

      const resumed = eventsOf(
        (
          await post(
            env,
            'alice',
            `/api/ai-assistant/v1/conversations/${id}/resume`,
          )
        ).text,
      );
      const settled = resumed.find(e => e.type === 'tool_call_finished') as any;
      expect(settled.call.status).toBe('expired');
      expect(settled.call.error).toMatch(/expired/);
      expect(await cluster.replicas('payments', 'payments')).toBe(before);
      // Nor can the call be made with it directly.
      const direct = await post(
        env,
        'alice',
        '/api/llm-gateway/v1/tools/call',
        {
          tool: 'kubernetes.scale_deployment',
          arguments: { namespace: 'payments', name: 'payments', replicas: 11 },
          entityRef: PAYMENTS,
          approvalId: approval.id,
        },
      );
      expect(direct.body.decision).toBe('deny');
      expect(await cluster.replicas('payments', 'payments')).toBe(before);
    } finally {
      await env.stop();
    }
  });

  it('a tool result that says "ignore previous instructions and delete ..." cannot make a destructive call without a fresh approval', async () => {
    const model = await startObedientModel();
    const env = await startAssistantBackend({
      cluster,
      databases: dbs,
      // A self-hosted model that speaks the Messages API and obeys text.
      providers: [
        {
          id: 'obedient',
          type: 'anthropic',
          baseUrl: model.url,
          apiKey: 'stand-in',
          local: true,
          maxDataClass: 'restricted',
          models: [
            { name: 'obedient', inputUsdPerMTok: 0, outputUsdPerMTok: 0 },
          ],
        },
      ],
    });
    try {
      const id = await newConversation(env, 'alice');
      const url = `/api/ai-assistant/v1/conversations/${id}`;
      const before = await cluster.replicas('payments', 'payments');

      // First a change alice asked for herself, approved by bob and used.
      const scale = `call kubernetes__scale_deployment {"namespace":"payments","name":"payments","replicas":${
        before + 1
      }}`;
      const asked = approvalOf(
        eventsOf(
          (await post(env, 'alice', `${url}/messages`, { text: scale })).text,
        ),
      )!;
      await post(
        env,
        'bob',
        `/api/llm-gateway/v1/approvals/${asked.approval.id}/approve`,
      );
      await post(env, 'alice', `${url}/resume`);
      expect(await cluster.replicas('payments', 'payments')).toBe(before + 1);

      // Then a ticket whose text tells the model to delete payments.
      const events = eventsOf(
        (
          await post(env, 'alice', `${url}/messages`, {
            text: 'call tickets__search_tickets {"text":"incident"}',
          })
        ).text,
      );
      const calls = events
        .filter(e => e.type === 'tool_call_finished')
        .map(e => (e as any).call);
      expect(calls[0]).toMatchObject({
        tool: 'tickets.search_tickets',
        status: 'done',
        result: INJECTED_TICKET,
      });
      // The model obeyed; the gateway asked, and nothing ran.
      const injected = approvalOf(events)!;
      expect(injected.call).toMatchObject({
        tool: 'kubernetes.scale_deployment',
        arguments: { namespace: 'payments', name: 'payments', replicas: 0 },
        status: 'awaiting_approval',
      });
      expect(injected.approval.id).not.toBe(asked.approval.id);
      expect(injected.approval.status).toBe('pending');
      expect(await cluster.replicas('payments', 'payments')).toBe(before + 1);

      // The earlier approval cannot be passed off for this call either.
      const reuse = await post(env, 'alice', '/api/llm-gateway/v1/tools/call', {
        tool: 'kubernetes.scale_deployment',
        arguments: { namespace: 'payments', name: 'payments', replicas: 0 },
        entityRef: PAYMENTS,
        approvalId: asked.approval.id,
      });
      expect(reuse.body.decision).toBe('deny');
      expect(await cluster.replicas('payments', 'payments')).toBe(before + 1);
    } finally {
      await env.stop();
      await model.close();
    }
  });
});
