import { TestDatabases } from '@backstage/backend-test-utils';
import type { AssistantEvent } from '@pilothouse/plugin-ai-assistant-common';
import { RunningLlmStandIn, startLlmStandIn } from '@pilothouse/sandbox';
import request from 'supertest';
import {
  AssistantTestBackend,
  bearer,
  eventsOf,
  startAssistantBackend,
  startCluster,
  TestCluster,
} from '../__testUtils__/testBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

let cluster: TestCluster;
let upstream: RunningLlmStandIn;

beforeAll(async () => {
  cluster = await startCluster();
  upstream = await startLlmStandIn();
});

afterAll(async () => {
  await upstream?.close();
  await cluster?.close();
});

/**
 * The gateway with an Anthropic provider (the real `@anthropic-ai/sdk`)
 * pointed at the sandbox's stand-in, which speaks the Messages API and
 * records every body it receives; the local model is dearer, so routing
 * picks the stand-in for internal data.
 */
async function startWithAnthropic(
  options: { llmGateway?: object; aiAssistant?: object } = {},
) {
  return startAssistantBackend({
    cluster,
    databases: {
      gateway: await databases.init('SQLITE_3'),
      assistant: await databases.init('SQLITE_3'),
    },
    providers: [
      {
        id: 'anthropic',
        type: 'anthropic',
        baseUrl: upstream.url,
        apiKey: 'stand-in',
        models: [
          { name: 'claude-stand-in', inputUsdPerMTok: 1, outputUsdPerMTok: 2 },
        ],
        maxDataClass: 'internal',
        timeoutMs: 10_000,
      },
      {
        id: 'local',
        type: 'local',
        models: [
          {
            name: 'pilothouse-local',
            inputUsdPerMTok: 50,
            outputUsdPerMTok: 50,
          },
        ],
      },
    ],
    ...options,
  });
}

async function newConversation(
  env: AssistantTestBackend,
  user: string,
  entityRef?: string,
) {
  const res = await request(env.server)
    .post('/api/ai-assistant/v1/conversations')
    .set('authorization', bearer(user))
    .send(entityRef ? { entityRef } : {});
  return res.body.id as string;
}

async function say(
  env: AssistantTestBackend,
  user: string,
  id: string,
  text: string,
) {
  const res = await request(env.server)
    .post(`/api/ai-assistant/v1/conversations/${id}/messages`)
    .set('authorization', bearer(user))
    .send({ text });
  expect(res.status).toBe(200);
  return eventsOf(res.text);
}

describe('the assistant on an Anthropic provider', () => {
  it('redacts what the user wrote before the provider sees it, uses a tool and streams the answer', async () => {
    const env = await startWithAnthropic();
    try {
      upstream.reset();
      const id = await newConversation(
        env,
        'alice',
        'component:default/checkout',
      );
      const events = await say(
        env,
        'alice',
        id,
        'use tickets__search_tickets "outage" and mail the summary to jane.doe@example.com',
      );
      const call = events.find(e => e.type === 'tool_call_finished') as any;
      expect(call.call).toMatchObject({
        tool: 'tickets.search_tickets',
        arguments: { text: 'outage' },
        status: 'done',
      });
      const deltas = events.filter(e => e.type === 'text_delta');
      expect(deltas.length).toBeGreaterThan(0);
      const done = events.at(-1) as Extract<
        AssistantEvent,
        { type: 'turn_finished' }
      >;
      expect(done.message.status).toBe('done');
      expect(done.message.text).toContain('No tickets match');

      // Two model calls, both streamed; the address never left the portal.
      expect(upstream.requests).toHaveLength(2);
      for (const req of upstream.requests) {
        expect(req.body.stream).toBe(true);
        const sent = JSON.stringify(req.body);
        expect(sent).not.toContain('jane.doe@example.com');
        expect(sent).toContain('[EMAIL_1]');
        expect(req.body.tools.map((t: any) => t.name)).toContain(
          'tickets__search_tickets',
        );
        // The context: the entity page and the user's groups.
        expect(req.body.system).toContain(
          'Context entity: component:default/checkout',
        );
        expect(req.body.system).toContain('group:default/payments-team');
      }
      // The tool result went back to the model as a tool_result.
      const second = upstream.requests[1].body.messages;
      expect(second.at(-1).content[0]).toMatchObject({
        type: 'tool_result',
        content: 'No tickets match "outage".',
      });
    } finally {
      await env.stop();
    }
  });

  it('tells a user over quota so in the chat', async () => {
    const env = await startWithAnthropic({
      llmGateway: {
        quotas: {
          defaults: { user: { requestsPerMinute: 1, tokensPerDay: 100000 } },
        },
      },
    });
    try {
      const id = await newConversation(env, 'alice');
      const first = await say(env, 'alice', id, 'hello');
      expect((first.at(-1) as any).message.status).toBe('done');
      const second = await say(env, 'alice', id, 'hello again');
      const error = second.find(e => e.type === 'error') as Extract<
        AssistantEvent,
        { type: 'error' }
      >;
      expect(error.error.code).toBe('quota');
      expect(error.error.retryAfterSeconds).toBeGreaterThan(0);
      expect(error.error.message).toMatch(/quota/i);
      expect((second.at(-1) as any).message.status).toBe('failed');

      // The plan route answers 429 with Retry-After.
      const plan = await request(env.server)
        .post('/api/ai-assistant/v1/plan')
        .set('authorization', bearer('alice'))
        .send({ text: 'hello' });
      expect(plan.status).toBe(429);
      expect(Number(plan.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await env.stop();
    }
  });

  it('stops a turn at the step bound', async () => {
    const env = await startWithAnthropic({
      aiAssistant: { maxStepsPerTurn: 1 },
    });
    try {
      const id = await newConversation(env, 'alice');
      const events = await say(
        env,
        'alice',
        id,
        'use tickets__search_tickets "outage"',
      );
      const error = events.find(e => e.type === 'error') as any;
      expect(error.error.code).toBe('steps');
      expect(error.error.message).toMatch(/1 steps/);
      expect(events.some(e => e.type === 'tool_call_started')).toBe(false);
    } finally {
      await env.stop();
    }
  });

  it('cancels a running turn', async () => {
    const env = await startWithAnthropic();
    try {
      const id = await newConversation(env, 'alice');
      upstream.setBehaviour({ delayMs: 8_000 });
      const res = await fetch(
        `${env.baseUrl}/api/ai-assistant/v1/conversations/${id}/messages`,
        {
          method: 'POST',
          headers: {
            authorization: bearer('alice'),
            'content-type': 'application/json',
          },
          body: JSON.stringify({ text: 'take your time' }),
        },
      );
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('turn_started')) {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
      }
      const cancel = await request(env.server)
        .post(`/api/ai-assistant/v1/conversations/${id}/cancel`)
        .set('authorization', bearer('alice'));
      expect(cancel.status).toBe(204);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const events = eventsOf(text);
      expect((events.find(e => e.type === 'error') as any).error.code).toBe(
        'cancelled',
      );
      expect((events.at(-1) as any).message.status).toBe('cancelled');
    } finally {
      upstream.reset();
      await env.stop();
    }
  });
});
