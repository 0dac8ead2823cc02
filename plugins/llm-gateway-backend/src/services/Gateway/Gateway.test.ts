import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  CompletionEvent,
  Principal,
} from '@pilothouse/plugin-llm-gateway-common';
import { repoPolicyDirectory } from '../../__fixtures__/repository';
import { AWS_ACCESS_KEY } from '../../__testUtils__/testBackend';
import { applyDatabaseMigrations } from '../../database/migrations';
import type { ApprovalStore } from '../Approvals';
import { DatabaseAuditLog } from '../Audit';
import { createInspector } from '../Inspector';
import { createPolicyParts } from '../Policy';
import { createQuotas } from '../Quotas';
import { DefaultModelRouter } from '../Routing';
import { ToolCatalog } from '../Tools';
import type {
  ModelProvider,
  ProviderRequest,
  ProviderResponse,
  ProviderStreamEvent,
} from '../types';
import { Gateway } from './Gateway';

/** A provider that answers from a script and remembers what it was sent. */
class ScriptedProvider implements ModelProvider {
  readonly type = 'openai' as const;
  readonly local = false;
  readonly maxDataClass = 'internal' as const;
  readonly timeoutMs = 1_000;
  readonly models;
  readonly requests: ProviderRequest[] = [];
  /** Deltas to stream, or an error to fail with (before any event). */
  script: { deltas: string[]; fail?: Error; hangAfter?: number } = {
    deltas: [],
  };

  constructor(readonly id: string, price: number) {
    this.models = [
      { name: `${id}-model`, inputUsdPerMTok: price, outputUsdPerMTok: price },
    ];
  }

  private response(): ProviderResponse {
    return {
      model: this.models[0].name,
      content: [{ type: 'text', text: this.script.deltas.join('') }],
      stopReason: 'end_turn',
      inputTokens: 10,
      outputTokens: 5,
    };
  }

  async complete(request: ProviderRequest) {
    this.requests.push(request);
    if (this.script.fail) throw this.script.fail;
    return this.response();
  }

  async *stream(
    request: ProviderRequest,
    signal?: AbortSignal,
  ): AsyncIterable<ProviderStreamEvent> {
    this.requests.push(request);
    if (this.script.fail) throw this.script.fail;
    for (const [i, text] of this.script.deltas.entries()) {
      if (this.script.hangAfter === i) {
        await new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      yield { type: 'text_delta', text };
    }
    yield { type: 'done', response: this.response() };
  }
}

const alice: Principal = {
  ref: 'user:default/alice',
  type: 'user',
  groups: ['user:default/alice', 'group:default/payments-team'],
};
const caller = {
  principal: alice,
  credentials: mockCredentials.user(alice.ref),
};

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The real inspector, policy (the repository's files), audit log and quotas. */
async function realParts() {
  const knex = await databases.init('SQLITE_3');
  await applyDatabaseMigrations(knex);
  const logger = mockServices.logger.mock();
  const config = new ConfigReader({
    llmGateway: { policy: { directory: repoPolicyDirectory } },
  });
  const policy = await createPolicyParts({
    config,
    knex,
    logger,
    catalog: catalogServiceMock(),
  });
  return {
    inspector: await createInspector({ config, knex, logger }),
    policyEngine: policy.engine,
    entityResolver: policy.entities,
    quotas: createQuotas({
      config,
      logger,
      lifecycle: mockServices.lifecycle.mock(),
    }),
    auditLog: await DatabaseAuditLog.create({ knex, logger }),
  };
}

async function setup(maxConcurrentCalls = 8) {
  const cheap = new ScriptedProvider('cheap', 1);
  const dear = new ScriptedProvider('dear', 5);
  const parts = await realParts();
  const gateway = new Gateway({
    ...parts,
    router: DefaultModelRouter.create({
      providers: [dear, cheap],
      logger: mockServices.logger.mock(),
    }),
    tools: new ToolCatalog({
      status: () => [],
      listTools: async () => [],
      callTool: async () => ({ content: [] }),
    }),
    approvals: {} as ApprovalStore,
    logger: mockServices.logger.mock(),
    settings: {
      defaultDataClass: 'internal',
      defaultMaxTokens: 100,
      approverGroups: [],
      maxConcurrentCalls,
    },
  });
  return { gateway, cheap, dear, parts };
}

async function collect(events: AsyncIterable<CompletionEvent>) {
  const out: CompletionEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const textOf = (events: CompletionEvent[]) =>
  events.flatMap(e => (e.type === 'text_delta' ? [e.text] : [])).join('');

describe('Gateway streaming', () => {
  it("sends only inspected segments, restoring the sender's own values", async () => {
    const { gateway, cheap } = await setup();
    cheap.script = {
      deltas: ['Write to [EMA', 'IL_1] soon', '. And then ', 'rest.'],
    };
    const events = await collect(
      gateway.completeStream(
        {
          messages: [{ role: 'user', content: 'mail fred@example.com' }],
          conversationId: 'c1',
        },
        caller,
      ),
    );
    expect(cheap.requests[0].messages[0].content).toEqual([
      { type: 'text', text: 'mail [EMAIL_1]' },
    ]);
    // The placeholder split across two deltas still comes back whole.
    expect(textOf(events)).toBe(
      'Write to fred@example.com soon. And then rest.',
    );
    const deltas = events.filter(e => e.type === 'text_delta');
    expect(deltas.map(d => (d as any).text)).toEqual([
      'Write to fred@example.com soon. ',
      'And then rest.',
    ]);
    expect(events[events.length - 1]).toMatchObject({
      type: 'done',
      response: {
        provider: 'cheap',
        content: [
          {
            type: 'text',
            text: 'Write to fred@example.com soon. And then rest.',
          },
        ],
      },
    });
  });

  it('redacts a secret that appears mid-answer split across deltas, never sending it', async () => {
    const { gateway, cheap, parts } = await setup();
    const [a, b] = [AWS_ACCESS_KEY.slice(0, 9), AWS_ACCESS_KEY.slice(9)];
    cheap.script = {
      deltas: ['Fine so far.\n', 'the key is ', a, b, ' ok.\n', 'more'],
    };
    const events = await collect(
      gateway.completeStream(
        { messages: [{ role: 'user', content: 'hi' }], conversationId: 'c2' },
        caller,
      ),
    );
    expect(JSON.stringify(events)).not.toContain(a);
    expect(textOf(events)).toBe('Fine so far.\nthe key is [WITHHELD_SECRET_1] ok.\nmore');
    const { records } = await parts.auditLog.query({ limit: 1 });
    expect(records[0]).toMatchObject({
      findings: { 'SECRET:aws-access-key': 1 },
    });
  });

  it('catches a card number that a long answer cuts in two, never sending either half', async () => {
    const { gateway, cheap } = await setup();
    // No sentence ends for over 2 KB, so the segmenter cuts at a space: the
    // cut falls inside the card number.
    const filler = 'the order history looks normal '.repeat(66);
    cheap.script = {
      deltas: [filler, '4111 1111 ', '1111 1111 is the card on file.'],
    };
    const events = await collect(
      gateway.completeStream(
        { messages: [{ role: 'user', content: 'hi' }], conversationId: 'c3' },
        caller,
      ),
    );
    const text = textOf(events);
    expect(text.startsWith(filler)).toBe(true);
    expect(text).not.toMatch(/4111|1111 1111/);
    expect(text).toContain('CREDIT_CARD');
    expect(text).toContain(' is the card on file.');
  });

  it('falls back to the next provider when the first fails before answering', async () => {
    const { gateway, cheap, dear } = await setup();
    cheap.script = { deltas: [], fail: new Error('connection refused') };
    dear.script = { deltas: ['from the dear one'] };
    const events = await collect(
      gateway.completeStream(
        { messages: [{ role: 'user', content: 'hi' }] },
        caller,
      ),
    );
    expect(textOf(events)).toBe('from the dear one');
    expect(events[events.length - 1]).toMatchObject({
      type: 'done',
      response: { provider: 'dear' },
    });
  });

  it('ends with a clear error when the provider goes silent mid-answer', async () => {
    const { gateway, cheap } = await setup();
    // A segment goes out once the next one is seen (BoundaryGuard).
    cheap.script = { deltas: ['Hello.\n', 'Then.\n', 'and'], hangAfter: 2 };
    const events = await collect(
      gateway.completeStream(
        { messages: [{ role: 'user', content: 'hi' }] },
        caller,
      ),
    );
    expect(textOf(events)).toBe('Hello.\n');
    expect(events[events.length - 1]).toMatchObject({
      type: 'error',
      status: 503,
      message: expect.stringMatching(/did not answer within 1000 ms/),
    });
  });

  it('refuses with 503 when it is at capacity', async () => {
    const { gateway, cheap } = await setup(1);
    cheap.script = { deltas: ['a.\n', 'b.\n', 'c'], hangAfter: 2 };
    // One stream holds the only slot, one waits in the queue ...
    const first = gateway.completeStream(
      { messages: [{ role: 'user', content: 'a' }] },
      caller,
    );
    const firstIterator = first[Symbol.asyncIterator]();
    await firstIterator.next();
    const second = collect(
      gateway.completeStream(
        { messages: [{ role: 'user', content: 'b' }] },
        caller,
      ),
    );
    // ... and a third is refused.
    await expect(
      gateway.complete({ messages: [{ role: 'user', content: 'c' }] }, caller),
    ).rejects.toThrow(/at capacity/);
    await firstIterator.return?.(undefined);
    await second;
  });
});
