import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import type {
  AssistantEvent,
  ConversationResponse,
} from '@pilothouse/plugin-ai-assistant-common';
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
const PAYMENTS = 'component:default/payments';
const SCALE_TO_5 = 'bump payments up to five pods';

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

const api = () => request(env.server);

async function newConversation(user: string, entityRef?: string) {
  const res = await api()
    .post('/api/ai-assistant/v1/conversations')
    .set('authorization', bearer(user))
    .send(entityRef ? { entityRef } : {});
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function stream(
  user: string,
  path: string,
  body: object = {},
): Promise<AssistantEvent[]> {
  const res = await api()
    .post(`/api/ai-assistant/v1/conversations/${path}`)
    .set('authorization', bearer(user))
    .send(body);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/event-stream/);
  return eventsOf(res.text);
}

const say = (user: string, id: string, text: string) =>
  stream(user, `${id}/messages`, { text });

function gateway(user: string, path: string) {
  return api()
    .post(`/api/llm-gateway/v1/${path}`)
    .set('authorization', bearer(user))
    .send({});
}

const types = (events: AssistantEvent[]) => events.map(e => e.type);

describe('the assistant on the local model', () => {
  it('keeps conversations to their owner and names a bad field', async () => {
    const id = await newConversation('alice', PAYMENTS);
    const other = await api()
      .get(`/api/ai-assistant/v1/conversations/${id}`)
      .set('authorization', bearer('bob'));
    expect(other.status).toBe(404);
    const list = await api()
      .get('/api/ai-assistant/v1/conversations')
      .set('authorization', bearer('bob'));
    expect(list.body.conversations.map((c: any) => c.id)).not.toContain(id);

    const bad = await api()
      .post(`/api/ai-assistant/v1/conversations/${id}/messages`)
      .set('authorization', bearer('alice'))
      .send({ text: 'hi', entity: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/entity/);
    const empty = await api()
      .post(`/api/ai-assistant/v1/conversations/${id}/messages`)
      .set('authorization', bearer('alice'))
      .send({ text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/text/);
  });

  it('runs a read-only tool and streams the answer', async () => {
    const id = await newConversation('alice');
    const events = await say(
      'alice',
      id,
      'list the workloads in checkout',
    );
    expect(types(events)[0]).toBe('turn_started');
    expect(types(events)).toContain('tool_call_started');
    expect(types(events)).toContain('text_delta');
    expect(types(events).at(-1)).toBe('turn_finished');
    const finished = events.find(e => e.type === 'tool_call_finished') as any;
    expect(finished.call).toMatchObject({
      tool: 'kubernetes.list_workloads',
      arguments: { namespace: 'checkout' },
      status: 'done',
    });
    expect(finished.call.result).toContain('orders');
    const last = events.at(-1) as any;
    expect(last.message.status).toBe('done');
    expect(last.message.text).toContain('orders');
  });

  it('plans what it would do without doing it, or asks what is missing', async () => {
    const plan = await api()
      .post('/api/ai-assistant/v1/plan')
      .set('authorization', bearer('alice'))
      .send({ text: SCALE_TO_5, entityRef: PAYMENTS });
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({
      toolCalls: [
        {
          server: 'kubernetes',
          tool: 'scale_deployment',
          arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
        },
      ],
    });
    // A plan does nothing.
    expect(await cluster.replicas('payments', 'payments')).toBe(3);

    const question = await api()
      .post('/api/ai-assistant/v1/plan')
      .set('authorization', bearer('alice'))
      .send({
        text: 'kubernetes.scale_deployment namespace=payments',
        entityRef: PAYMENTS,
      });
    // On the payments page the deployment is payments; the count is missing.
    expect(question.body.toolCalls).toEqual([]);
    expect(question.body.question).toMatch(/replicas/);
  });

  it('waits for a second person on a production change, runs it once approved, and undoes it through the same policy', async () => {
    const id = await newConversation('alice', PAYMENTS);
    const paused = await say('alice', id, SCALE_TO_5);
    expect(types(paused).slice(-2)).toEqual([
      'approval_required',
      'turn_finished',
    ]);
    const asked = paused.find(e => e.type === 'approval_required') as Extract<
      AssistantEvent,
      { type: 'approval_required' }
    >;
    expect(asked.approval).toMatchObject({
      requester: 'user:default/alice',
      tool: 'kubernetes.scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
      entityRef: PAYMENTS,
      mode: 'approval',
      status: 'pending',
    });
    expect(asked.approval.reason).toBeTruthy();
    expect(asked.call.status).toBe('awaiting_approval');
    expect((paused.at(-1) as any).message.status).toBe('awaiting_approval');
    expect(await cluster.replicas('payments', 'payments')).toBe(3);

    // The approvers hear of it, with a link; the requester is left out.
    const notice = env.notifications.at(-1)!;
    expect(notice.recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/platform-admins', 'group:default/sre'],
      excludeEntityRef: 'user:default/alice',
    });
    expect(notice.payload.link).toBe(
      `/ai-assistant?approval=${asked.approval.id}`,
    );
    expect(notice.payload.description).toContain('"replicas":5');
    expect(env.signals.at(-1)).toMatchObject({
      recipients: { type: 'user', entityRef: 'user:default/alice' },
      channel: `ai-assistant:conversation:${id}`,
      message: { conversationId: id, reason: 'turn_updated' },
    });

    // Nobody approves their own production change.
    const own = await gateway(
      'alice',
      `approvals/${asked.approval.id}/approve`,
    );
    expect(own.status).toBe(403);
    const early = await api()
      .post(`/api/ai-assistant/v1/conversations/${id}/resume`)
      .set('authorization', bearer('alice'));
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/still pending/);
    // Nor can the conversation go on around the waiting call.
    const around = await api()
      .post(`/api/ai-assistant/v1/conversations/${id}/messages`)
      .set('authorization', bearer('alice'))
      .send({ text: 'hello' });
    expect(around.status).toBe(409);

    expect(
      (await gateway('bob', `approvals/${asked.approval.id}/approve`)).status,
    ).toBe(200);
    const decided = await api()
      .post(`/api/ai-assistant/v1/approvals/${asked.approval.id}/decided`)
      .set('authorization', bearer('bob'));
    expect(decided.status).toBe(204);
    expect(env.signals.at(-1)).toMatchObject({
      message: { reason: 'approval_decided', approvalId: asked.approval.id },
    });
    expect(env.notifications.at(-1)).toMatchObject({
      recipients: { type: 'entity', entityRef: 'user:default/alice' },
      payload: { link: `/ai-assistant?conversation=${id}` },
    });

    const resumed = await stream('alice', `${id}/resume`);
    const ran = resumed.find(e => e.type === 'tool_call_finished') as any;
    expect(ran.call).toMatchObject({
      tool: 'kubernetes.scale_deployment',
      status: 'done',
      approvalId: asked.approval.id,
      undo: {
        tool: 'kubernetes.scale_deployment',
        arguments: { namespace: 'payments', name: 'payments', replicas: 3 },
        description: 'Scale payments/payments back to 3 replicas',
      },
    });
    expect((resumed.at(-1) as any).message.status).toBe('done');
    expect(await cluster.replicas('payments', 'payments')).toBe(5);

    // "undo that" proposes the reverse call, which asks again.
    const undo = await say('alice', id, 'undo that');
    const undoAsk = undo.find(e => e.type === 'approval_required') as any;
    expect(undoAsk.call).toMatchObject({
      tool: 'kubernetes.scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: 3 },
      undoes: ran.call.id,
    });
    expect(undoAsk.approval.id).not.toBe(asked.approval.id);
    expect(await cluster.replicas('payments', 'payments')).toBe(5);
    await gateway('nadia', `approvals/${undoAsk.approval.id}/approve`);
    const undone = await stream('alice', `${id}/resume`);
    expect((undone.at(-1) as any).message.status).toBe('done');
    expect(await cluster.replicas('payments', 'payments')).toBe(3);

    // Undone once: the first call offers no undo any more.
    const conversation: ConversationResponse = (
      await api()
        .get(`/api/ai-assistant/v1/conversations/${id}`)
        .set('authorization', bearer('alice'))
    ).body;
    const first = conversation.messages
      .flatMap(m => m.toolCalls)
      .find(c => c.id === ran.call.id)!;
    expect(first.status).toBe('done');
    expect(first.undo).toBeUndefined();
    const again = await api()
      .post(`/api/ai-assistant/v1/conversations/${id}/undo`)
      .set('authorization', bearer('alice'))
      .send({ callId: ran.call.id });
    expect(again.status).toBe(409);
  });

  it('lets the owner confirm a change outside production in the chat', async () => {
    // carol is in platform-team, which owns the experimental notifications.
    const id = await newConversation(
      'carol',
      'component:default/notifications',
    );
    const paused = await say(
      'carol',
      id,
      'kubernetes.scale_deployment namespace=platform name=notifications replicas=2',
    );
    const asked = paused.find(e => e.type === 'approval_required') as any;
    expect(asked.approval.mode).toBe('confirm');
    const before = env.notifications.length;
    expect(
      (await gateway('carol', `approvals/${asked.approval.id}/approve`)).status,
    ).toBe(200);
    const resumed = await stream('carol', `${id}/resume`);
    expect((resumed.at(-1) as any).message.status).toBe('done');
    expect(await cluster.replicas('platform', 'notifications')).toBe(2);
    // A confirmation pages nobody.
    expect(env.notifications.length).toBe(before);
  });

  it('tells the model a rejected call was not made', async () => {
    const id = await newConversation('alice', PAYMENTS);
    const paused = await say(
      'alice',
      id,
      'kubernetes.scale_deployment namespace=payments name=payments replicas=9',
    );
    const asked = paused.find(e => e.type === 'approval_required') as any;
    await gateway('bob', `approvals/${asked.approval.id}/reject`);
    const resumed = await stream('alice', `${id}/resume`);
    const settled = resumed.find(e => e.type === 'tool_call_finished') as any;
    expect(settled.call.status).toBe('rejected');
    expect(settled.call.error).toMatch(/rejected by user:default\/bob/);
    expect((resumed.at(-1) as any).message.status).toBe('done');
    expect(await cluster.replicas('payments', 'payments')).not.toBe(9);
  });

  it('transcribes a recording with pocketsphinx, and names what is wrong with a bad one', async () => {
    const status = await api()
      .get('/api/ai-assistant/v1/transcribe')
      .set('authorization', bearer('alice'));
    expect(status.body).toEqual({ available: true, engine: 'pocketsphinx' });

    const dir = mkdtempSync(join(tmpdir(), 'assistant-voice-'));
    const file = join(dir, 'speech.wav');
    // pocketsphinx's model hears espeak-ng's Klatt voice in part (see the
    // Transcription tests): "scaled up a bit deployment to find replica".
    execFileSync('espeak-ng', [
      '-v',
      'en-us+klatt4',
      '-w',
      file,
      'scale the payments deployment to five replicas',
    ]);
    const spoken = await api()
      .post('/api/ai-assistant/v1/transcribe')
      .set('authorization', bearer('alice'))
      .set('content-type', 'audio/wav')
      .send(readFileSync(file));
    rmSync(dir, { recursive: true, force: true });
    expect(spoken.status).toBe(200);
    expect(spoken.body.engine).toBe('pocketsphinx');
    expect(spoken.body.text).toMatch(/\bdeployment\b/);

    const broken = await api()
      .post('/api/ai-assistant/v1/transcribe')
      .set('authorization', bearer('alice'))
      .set('content-type', 'audio/wav')
      .send(Buffer.from('RIFF'));
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/WAV/i);
  }, 60_000);
});
