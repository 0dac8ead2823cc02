import Anthropic from '@anthropic-ai/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LlmGatewayClient } from '@pilothouse/plugin-llm-gateway-node';
import OpenAI from 'openai';
import request from 'supertest';
import {
  AWS_ACCESS_KEY,
  GatewayTestEnv,
  bearer,
  startGatewayBackend,
  tokenOf,
} from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const received = (env: GatewayTestEnv) => JSON.stringify(env.upstream.requests);

describe('the gateway over HTTP', () => {
  let env: GatewayTestEnv;

  beforeAll(async () => {
    // The repository's policies and catalog: alice is in payments-team,
    // bob in sre, carol in platform-admins.
    env = await startGatewayBackend();
  });
  afterAll(() => env.stop());
  beforeEach(() => env.upstream.reset());

  const anthropic = (user = 'alice') =>
    new Anthropic({
      baseURL: `${env.baseUrl}/anthropic`,
      apiKey: null,
      authToken: tokenOf(user),
      maxRetries: 0,
    });
  const openai = (user = 'alice') =>
    new OpenAI({
      baseURL: `${env.baseUrl}/openai/v1`,
      apiKey: tokenOf(user),
      maxRetries: 0,
    });

  describe('Anthropic-compatible endpoint', () => {
    it('never sends a blocked secret to the provider', async () => {
      const error = await anthropic()
        .messages.create({
          model: 'cloud-small',
          max_tokens: 100,
          messages: [{ role: 'user', content: `my key is ${AWS_ACCESS_KEY}` }],
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/SECRET:aws-access-key/);
      // Streamed: refused before the stream starts, with the same status.
      const streamed = await anthropic()
        .messages.stream({
          model: 'cloud-small',
          max_tokens: 100,
          messages: [{ role: 'user', content: `my key is ${AWS_ACCESS_KEY}` }],
        })
        .finalMessage()
        .catch(e => e);
      expect(streamed).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect(env.upstream.requests).toHaveLength(0);
    });

    it('sends a placeholder upstream and gives the sender the original back', async () => {
      const message = await anthropic().messages.create({
        model: 'cloud-small',
        max_tokens: 100,
        system: 'Be brief.',
        messages: [
          { role: 'user', content: 'write to dana@example.com today' },
        ],
      });
      expect(received(env)).not.toContain('dana@example.com');
      expect(env.upstream.requests[0].body.messages[0].content).toEqual([
        { type: 'text', text: 'write to [EMAIL_1] today' },
      ]);
      expect(message.content).toEqual([
        { type: 'text', text: 'echo: write to dana@example.com today' },
      ]);
      expect(message.usage.input_tokens).toBeGreaterThan(0);
    });

    it('takes the token as x-api-key too, and streams', async () => {
      const client = new Anthropic({
        baseURL: `${env.baseUrl}/anthropic`,
        apiKey: tokenOf('alice'),
        maxRetries: 0,
      });
      const stream = client.messages.stream({
        model: 'auto',
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'First line. Mail dana@example.com now' },
        ],
      });
      const deltas: string[] = [];
      stream.on('text', text => deltas.push(text));
      const final = await stream.finalMessage();
      expect(deltas.join('')).toBe(
        'echo: First line. Mail dana@example.com now',
      );
      expect(final.content).toEqual([
        { type: 'text', text: 'echo: First line. Mail dana@example.com now' },
      ]);
      expect(final.stop_reason).toBe('end_turn');
      expect(received(env)).not.toContain('dana@example.com');
    });

    it('passes tools and tool results both ways', async () => {
      const tools = [
        {
          name: 'lookup',
          description: 'Looks a thing up',
          input_schema: {
            type: 'object' as const,
            properties: { text: { type: 'string' } },
          },
        },
      ];
      const first = await anthropic().messages.create({
        model: 'cloud-small',
        max_tokens: 100,
        tools,
        messages: [{ role: 'user', content: 'please use lookup "orders"' }],
      });
      expect(first.stop_reason).toBe('tool_use');
      const call = first.content[0] as Anthropic.ToolUseBlock;
      expect(call).toMatchObject({
        type: 'tool_use',
        name: 'lookup',
        input: { text: 'orders' },
      });
      const second = await anthropic().messages.create({
        model: 'cloud-small',
        max_tokens: 100,
        tools,
        messages: [
          { role: 'user', content: 'please use lookup "orders"' },
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: call.id,
                content: '3 orders',
              },
            ],
          },
        ],
      });
      expect(second.content).toEqual([
        { type: 'text', text: 'result: 3 orders' },
      ]);
    });

    it('answers bad requests in the Anthropic error shape, naming the field', async () => {
      const res = await request(env.server)
        .post('/api/llm-gateway/anthropic/v1/messages')
        .set('authorization', bearer('alice'))
        .send({
          model: 'cloud-small',
          messages: [{ role: 'user', content: 'hi' }],
        });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: expect.stringMatching(/max_tokens/),
        },
      });
      const noToken = await request(env.server)
        .post('/api/llm-gateway/anthropic/v1/messages')
        .set('x-api-key', 'not-a-backstage-token')
        .send({
          model: 'x',
          max_tokens: 1,
          messages: [{ role: 'user', content: 'hi' }],
        });
      expect(noToken.status).toBe(401);
      expect(noToken.body.error.type).toBe('authentication_error');
    });

    it('refuses an oversized body with 413', async () => {
      const res = await request(env.server)
        .post('/api/llm-gateway/anthropic/v1/messages')
        .set('authorization', bearer('alice'))
        .send({
          model: 'cloud-small',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
        });
      expect(res.status).toBe(413);
      expect(res.body.error.type).toBe('request_too_large');
      expect(env.upstream.requests).toHaveLength(0);
    });
  });

  describe('OpenAI-compatible endpoint', () => {
    it('never sends a blocked secret to the provider', async () => {
      const error = await openai()
        .chat.completions.create({
          model: 'cloud-backup',
          messages: [
            { role: 'system', content: 'You help.' },
            { role: 'user', content: `deploy with ${AWS_ACCESS_KEY}` },
          ],
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(error.message).toMatch(/SECRET:aws-access-key/);
      const streamed = await openai()
        .chat.completions.create({
          model: 'cloud-backup',
          stream: true,
          messages: [
            { role: 'user', content: `deploy with ${AWS_ACCESS_KEY}` },
          ],
        })
        .catch(e => e);
      expect(streamed).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(env.upstream.requests).toHaveLength(0);
    });

    it('redacts on the way out and restores on the way back', async () => {
      const completion = await openai().chat.completions.create({
        model: 'cloud-backup',
        messages: [{ role: 'user', content: 'ask erin@example.com' }],
      });
      expect(env.upstream.requests[0].api).toBe('openai');
      expect(received(env)).not.toContain('erin@example.com');
      expect(received(env)).toContain('[EMAIL_1]');
      expect(completion.choices[0].message.content).toBe(
        'echo: ask erin@example.com',
      );
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    });

    it('streams, with tool calls', async () => {
      const stream = await openai().chat.completions.create({
        model: 'cloud-backup',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Hello there. How are you?' }],
      });
      let text = '';
      let usage;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('echo: Hello there. How are you?');
      expect(usage).toMatchObject({ total_tokens: expect.any(Number) });

      const tools = await openai().chat.completions.create({
        model: 'cloud-backup',
        stream: true,
        tools: [
          {
            type: 'function',
            function: {
              name: 'lookup',
              parameters: { type: 'object', properties: {} },
            },
          },
        ],
        messages: [{ role: 'user', content: 'use lookup "x"' }],
      });
      const calls = [];
      let finish;
      for await (const chunk of tools) {
        calls.push(...(chunk.choices[0]?.delta?.tool_calls ?? []));
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe('tool_calls');
      expect(calls[0].function).toEqual({
        name: 'lookup',
        arguments: '{"text":"x"}',
      });
    });

    it('never sends confidential data to a cloud model', async () => {
      const error = await openai()
        .chat.completions.create(
          {
            model: 'cloud-backup',
            messages: [{ role: 'user', content: 'the payments runbook says' }],
          },
          {
            headers: {
              'x-pilothouse-entity-ref': 'component:default/payments',
            },
          },
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(error.message).toMatch(/may not receive confidential data/);
      expect(env.upstream.requests).toHaveLength(0);
    });

    it('lists the models', async () => {
      const models = await openai().models.list();
      expect(models.data.map(m => m.id).sort()).toEqual([
        'cloud-backup',
        'cloud-small',
        'pilothouse-local',
      ]);
    });
  });

  describe('routing by data class', () => {
    it('keeps confidential data on the local model', async () => {
      const res = await request(env.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer('alice'))
        .send({
          entityRef: 'component:default/payments',
          messages: [{ role: 'user', content: 'summarise the incident' }],
        });
      expect(res.status).toBe(200);
      expect(res.body.provider).toBe('local');
      expect(env.upstream.requests).toHaveLength(0);

      // Found in the text, not only from the entity.
      const found = await request(env.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer('alice'))
        .send({
          messages: [{ role: 'user', content: 'status of Project Orca?' }],
        });
      expect(found.body.provider).toBe('local');
      expect(env.upstream.requests).toHaveLength(0);
    });

    it('refuses to send confidential data to a named cloud model, with the reason', async () => {
      const error = await anthropic()
        .messages.create(
          {
            model: 'cloud-small',
            max_tokens: 10,
            messages: [{ role: 'user', content: 'summarise' }],
          },
          {
            headers: {
              'x-pilothouse-entity-ref': 'component:default/payments',
            },
          },
        )
        .catch(e => e);
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/may not receive confidential data/);
      expect(env.upstream.requests).toHaveLength(0);
    });

    it("does not let the caller lower the entity's data class", async () => {
      const asPublic = await request(env.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer('alice'))
        .send({
          entityRef: 'component:default/payments',
          model: 'cloud-small',
          dataClass: 'public',
          metadata: { dataClass: 'public' },
          messages: [{ role: 'user', content: 'summarise the incident' }],
        });
      expect(asPublic.status).toBe(403);
      expect(asPublic.body.error.message).toMatch(/confidential/);

      const viaOpenAi = await request(env.server)
        .post('/api/llm-gateway/openai/v1/chat/completions')
        .set('authorization', bearer('alice'))
        .set('x-pilothouse-entity-ref', 'component:default/payments')
        .set('x-pilothouse-data-class', 'public')
        .send({
          model: 'cloud-backup',
          dataClass: 'public',
          messages: [{ role: 'user', content: 'summarise the incident' }],
        });
      expect(viaOpenAi.status).toBe(403);
      expect(env.upstream.requests).toHaveLength(0);
    });

    it('routes internal data to the cheapest provider and records the cost', async () => {
      const res = await request(env.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer('alice'))
        .send({ messages: [{ role: 'user', content: 'hello' }] });
      expect(res.body).toMatchObject({
        provider: 'primary',
        model: 'cloud-small',
        usage: { costUsd: expect.any(Number) },
      });
      expect(res.body.usage.costUsd).toBeGreaterThan(0);
      const { records } = await env.parts.auditLog.query({
        actor: 'user:default/alice',
      });
      const record = records.find(r => r.id === res.body.auditId);
      expect(record).toMatchObject({
        actor: 'user:default/alice',
        kind: 'model',
        decision: 'allow',
        provider: 'primary',
        costUsd: res.body.usage.costUsd,
      });
    });

    it('names the bad field of a malformed request', async () => {
      const res = await request(env.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer('alice'))
        .send({ messages: [{ role: 'robot', content: 'hi' }] });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/messages\.0\.role/);
    });
  });

  describe('the node client (llmGatewayServiceRef)', () => {
    const client = () =>
      new LlmGatewayClient({
        discovery: {
          getBaseUrl: async () => env.baseUrl,
          getExternalBaseUrl: async () => env.baseUrl,
        },
        auth: {
          getPluginRequestToken: async () => ({ token: tokenOf('alice') }),
        } as any,
      });

    it('streams completion events the client parses', async () => {
      const events = [];
      for await (const event of client().completeStream(
        {
          messages: [
            { role: 'user', content: 'One. Two. ask dana@example.com' },
          ],
        },
        { credentials: {} as any },
      )) {
        events.push(event);
      }
      const text = events
        .flatMap(e => (e.type === 'text_delta' ? [e.text] : []))
        .join('');
      expect(text).toBe('echo: One. Two. ask dana@example.com');
      expect(events[events.length - 1]).toMatchObject({
        type: 'done',
        response: { provider: 'primary', stopReason: 'end_turn' },
      });
      expect(received(env)).not.toContain('dana@example.com');
    });

    it('inspects without sending anything', async () => {
      const result = await client().inspect(
        { text: `key ${AWS_ACCESS_KEY}`, direction: 'input' },
        { credentials: {} as any },
      );
      expect(result).toMatchObject({
        decision: 'deny',
        findings: [{ type: 'SECRET', start: 4, end: 24, action: 'block' }],
      });
      expect(env.upstream.requests).toHaveLength(0);
    });
  });

  describe('the playground (inspect as another user)', () => {
    const inspectAs = async (user: string) => {
      const res = await fetch(`${env.baseUrl}/v1/inspect`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokenOf('carol')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          text: 'hello',
          direction: 'input',
          asUser: `user:default/${user}`,
        }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { decision: string; reason?: string };
    };

    it("decides with that user's catalog groups", async () => {
      const asCarol = await inspectAs('carol');
      const asAlice = await inspectAs('alice');
      // carol is a platform admin in the catalog: the admins' rule decides
      // for her, not the rule that decides for everyone else.
      expect(asCarol.reason).toMatch(/admin/i);
      expect(asAlice.reason).not.toMatch(/admin/i);
    });
  });

  describe('aggregated MCP endpoint', () => {
    async function mcpClient(user: string) {
      const client = new Client({ name: 'test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${env.baseUrl}/mcp`), {
          requestInit: { headers: { authorization: bearer(user) } },
        }),
      );
      return client;
    }
    const textOf = (result: any) =>
      result.content.map((c: any) => c.text).join('');

    it("lists only the caller's tools, with their annotations", async () => {
      // Destructive tools only for owners and platform admins (guardrails.yaml).
      const alice = await mcpClient('alice');
      expect((await alice.listTools()).tools.map(t => t.name).sort()).toEqual([
        'tools.echo',
        'tools.leak',
        'tools.received',
      ]);
      const denied = await alice.callTool({
        name: 'tools.delete_thing',
        arguments: { name: 'x' },
      });
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toMatch(
        /A destructive tool runs only for the entity's owners/,
      );
      await alice.close();

      const carol = await mcpClient('carol');
      const { tools } = await carol.listTools();
      expect(tools.map(t => t.name).sort()).toEqual([
        'tools.delete_thing',
        'tools.echo',
        'tools.leak',
        'tools.received',
        'tools.unannotated',
      ]);
      const byName = Object.fromEntries(tools.map(t => [t.name, t]));
      expect(byName['tools.echo'].annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
      });
      // No hints at all: counted as destructive.
      expect(byName['tools.unannotated'].annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: true,
      });
      await carol.close();
    });

    it('blocks a secret in tool arguments before the MCP server sees it', async () => {
      const alice = await mcpClient('alice');
      const result = await alice.callTool({
        name: 'tools.echo',
        arguments: { text: `use ${AWS_ACCESS_KEY}` },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/blocked.*SECRET:aws-access-key/);
      // The server hears whom the call is for from the gateway, never from
      // the caller's own _meta.
      const ok = await alice.callTool({
        name: 'tools.echo',
        arguments: { text: 'hi' },
        _meta: { 'pilothouse.dev/user': 'user:default/carol' },
      });
      expect(textOf(ok)).toBe('echo: hi');
      await alice.close();

      const bob = await mcpClient('bob');
      const seen = textOf(
        await bob.callTool({ name: 'tools.received', arguments: {} }),
      );
      expect(seen).toContain('"text":"hi"},"user":"user:default/alice"');
      expect(seen).not.toContain(AWS_ACCESS_KEY);
      await bob.close();
    });

    it('redacts a secret in a tool result before the caller sees it', async () => {
      const alice = await mcpClient('alice');
      const reversed = AWS_ACCESS_KEY.split('').reverse().join('');
      const result = await alice.callTool({
        name: 'tools.leak',
        arguments: { secret: reversed },
      });
      expect(textOf(result)).toMatch(/^the key is \[WITHHELD_SECRET_\d+\]$/);
      expect(JSON.stringify(result)).not.toContain(AWS_ACCESS_KEY);
      await alice.close();
    });

    it('asks for an approval by someone else for a destructive tool on production, used once for that exact call', async () => {
      // payments is production and owned by alice's team.
      const onPayments = {
        'pilothouse.dev/entityRef': 'component:default/payments',
      };
      const alice = await mcpClient('alice');
      const asked = await alice.callTool({
        name: 'tools.delete_thing',
        arguments: { name: 'x' },
        _meta: onPayments,
      });
      expect(asked.isError).toBe(true);
      const approvalId = (asked._meta as any)['pilothouse.dev/approvalId'];
      expect(textOf(asked)).toContain(approvalId);

      // The requester cannot approve it; a team mate who is no approver neither.
      const self = await request(env.server)
        .post(`/api/llm-gateway/v1/approvals/${approvalId}/approve`)
        .set('authorization', bearer('alice'));
      expect(self.status).toBe(403);
      expect(self.body.error.message).toMatch(
        /someone other than the requester/,
      );
      const dmitri = await request(env.server)
        .post(`/api/llm-gateway/v1/approvals/${approvalId}/approve`)
        .set('authorization', bearer('dmitri'));
      expect(dmitri.status).toBe(403);

      // Still pending: a retry waits.
      const early = await alice.callTool({
        name: 'tools.delete_thing',
        arguments: { name: 'x' },
        _meta: { ...onPayments, 'pilothouse.dev/approvalId': approvalId },
      });
      expect((early._meta as any)['pilothouse.dev/decision']).toBe('ask');

      const listed = await request(env.server)
        .get('/api/llm-gateway/v1/approvals')
        .set('authorization', bearer('bob'));
      expect(listed.body.approvals).toContainEqual(
        expect.objectContaining({
          id: approvalId,
          canDecide: true,
          arguments: { name: 'x' },
        }),
      );
      const approved = await request(env.server)
        .post(`/api/llm-gateway/v1/approvals/${approvalId}/approve`)
        .set('authorization', bearer('bob'))
        .send({ comment: 'fine' });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/bob',
      });

      // Other arguments do not ride on it.
      const other = await alice.callTool({
        name: 'tools.delete_thing',
        arguments: { name: 'everything' },
        _meta: { ...onPayments, 'pilothouse.dev/approvalId': approvalId },
      });
      expect(other.isError).toBe(true);
      expect(textOf(other)).toMatch(/given for another call/);

      const done = await alice.callTool({
        name: 'tools.delete_thing',
        arguments: { name: 'x' },
        _meta: { ...onPayments, 'pilothouse.dev/approvalId': approvalId },
      });
      expect(done.isError).toBeFalsy();
      expect(textOf(done)).toBe('deleted x');

      const again = await alice.callTool({
        name: 'tools.delete_thing',
        arguments: { name: 'x' },
        _meta: { ...onPayments, 'pilothouse.dev/approvalId': approvalId },
      });
      expect(again.isError).toBe(true);
      expect(textOf(again)).toMatch(/is used, not approved/);
      await alice.close();
    });

    it('refuses prototype names as tool arguments with 400 naming the argument', async () => {
      // Found by the fuzz test: {"constructor": true} passed the gateway and
      // failed the MCP SDK's record check inside the server (a 503).
      const res = await request(env.server)
        .post('/api/llm-gateway/v1/tools/call')
        .set('authorization', bearer('carol'))
        .send({ tool: 'tools.echo', arguments: { constructor: true } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /"constructor" is not allowed as an argument name/,
      );
    });

    it('decides on the entity the arguments name, not only the page the caller is on', async () => {
      // carol owns the experimental notifications service; from its page she
      // asks for a destructive call whose argument names payments
      // (production): that needs a second person, not her confirmation.
      const asked = await request(env.server)
        .post('/api/llm-gateway/v1/tools/call')
        .set('authorization', bearer('carol'))
        .send({
          tool: 'tools.unannotated',
          arguments: { x: 'payments' },
          entityRef: 'component:default/notifications',
        });
      expect(asked.body).toMatchObject({
        decision: 'ask',
        approval: 'approval',
      });
      const self = await request(env.server)
        .post(`/api/llm-gateway/v1/approvals/${asked.body.approvalId}/approve`)
        .set('authorization', bearer('carol'));
      expect(self.status).toBe(403);
      const listed = await request(env.server)
        .get('/api/llm-gateway/v1/approvals')
        .set('authorization', bearer('carol'));
      expect(listed.body.approvals).toContainEqual(
        expect.objectContaining({
          id: asked.body.approvalId,
          entityRef: 'component:default/payments',
        }),
      );
    });

    it('lets the owner confirm a destructive call outside production', async () => {
      // notifications is experimental and owned by carol's platform-team.
      const asked = await request(env.server)
        .post('/api/llm-gateway/v1/tools/call')
        .set('authorization', bearer('carol'))
        .send({
          tool: 'unannotated',
          arguments: { x: 'it' },
          entityRef: 'component:default/notifications',
        });
      expect(asked.body).toMatchObject({
        decision: 'ask',
        approval: 'confirm',
      });
      const confirmed = await request(env.server)
        .post(`/api/llm-gateway/v1/approvals/${asked.body.approvalId}/approve`)
        .set('authorization', bearer('carol'));
      expect(confirmed.status).toBe(200);
      const done = await request(env.server)
        .post('/api/llm-gateway/v1/tools/call')
        .set('authorization', bearer('carol'))
        .send({
          tool: 'tools.unannotated',
          arguments: { x: 'it' },
          entityRef: 'component:default/notifications',
          approvalId: asked.body.approvalId,
        });
      expect(done.body).toMatchObject({
        decision: 'allow',
        result: { content: [{ type: 'text', text: 'did it' }] },
      });
    });

    it('lists the tools policy allows on an entity, with what it would say', async () => {
      const listed = async (entityRef?: string) =>
        (
          await request(env.server)
            .get('/api/llm-gateway/v1/tools')
            .query(entityRef ? { entityRef } : {})
            .set('authorization', bearer('alice'))
        ).body as Array<{ name: string; decision: string }>;
      // Without an entity alice may run no destructive tool ...
      expect((await listed()).map(t => t.name)).not.toContain(
        'tools.delete_thing',
      );
      // ... on her team's production service she may, after an approval.
      const onPayments = await listed('component:default/payments');
      expect(
        onPayments.find(t => t.name === 'tools.delete_thing'),
      ).toMatchObject({ decision: 'ask' });
      expect(onPayments.find(t => t.name === 'tools.echo')).toMatchObject({
        decision: 'allow',
      });
      const unknown = await request(env.server)
        .get('/api/llm-gateway/v1/tools')
        .query({ entityRef: 'component:default/no-such-thing' })
        .set('authorization', bearer('alice'));
      expect(unknown.status).toBe(404);
    });

    it('refuses a request with a bad token', async () => {
      const res = await request(env.server)
        .post('/api/llm-gateway/mcp')
        .set('authorization', 'Bearer not-a-backstage-token')
        .set('accept', 'application/json, text/event-stream')
        .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(res.status).toBe(401);
    });
  });
});

describe('the gateway when providers fail', () => {
  let env: GatewayTestEnv;
  beforeAll(async () => {
    env = await startGatewayBackend({
      providers: url => [
        {
          // Nothing listens here: every call fails at once.
          id: 'primary',
          type: 'anthropic',
          baseUrl: 'http://127.0.0.1:9',
          models: [
            { name: 'cloud-small', inputUsdPerMTok: 1, outputUsdPerMTok: 2 },
          ],
          timeoutMs: 1_000,
        },
        {
          id: 'backup',
          type: 'openai',
          baseUrl: `${url}/v1`,
          models: [
            { name: 'cloud-backup', inputUsdPerMTok: 3, outputUsdPerMTok: 6 },
          ],
          timeoutMs: 500,
        },
      ],
    });
  });
  afterAll(() => env.stop());
  beforeEach(() => env.upstream.reset());

  it('falls back to the next provider, and reports the failing one', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await request(env.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer('alice'))
        .send({ messages: [{ role: 'user', content: `try ${i}` }] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        provider: 'backup',
        model: 'cloud-backup',
      });
    }
    const providers = await request(env.server)
      .get('/api/llm-gateway/v1/providers')
      .set('authorization', bearer('alice'));
    expect(providers.body).toEqual([
      expect.objectContaining({
        id: 'primary',
        healthy: false,
        lastError: expect.any(String),
      }),
      expect.objectContaining({ id: 'backup', healthy: true }),
    ]);
  });

  it('gives a clear 503 when no provider answers in time, in both API styles', async () => {
    env.upstream.setBehaviour({ delayMs: 1_500 });
    const res = await request(env.server)
      .post('/api/llm-gateway/v1/complete')
      .set('authorization', bearer('alice'))
      .send({
        model: 'cloud-backup',
        messages: [{ role: 'user', content: 'slow' }],
      });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/did not answer within 500 ms/);

    const openai = await request(env.server)
      .post('/api/llm-gateway/openai/v1/chat/completions')
      .set('authorization', bearer('alice'))
      .send({
        model: 'cloud-backup',
        messages: [{ role: 'user', content: 'slow' }],
      });
    expect(openai.status).toBe(503);
    expect(openai.body.error).toMatchObject({
      type: 'server_error',
      message: expect.stringMatching(/no model provider answered/),
    });
  });
});

describe('the laptop default (no providers configured)', () => {
  let env: GatewayTestEnv;
  beforeAll(async () => {
    env = await startGatewayBackend({ providers: () => [] });
  });
  afterAll(() => env.stop());

  it('answers with the local model, offline, and calls the tool a message names', async () => {
    const res = await request(env.server)
      .post('/api/llm-gateway/v1/complete')
      .set('authorization', bearer('alice'))
      .send({
        tools: [
          {
            name: 'tools.echo',
            input_schema: {
              type: 'object',
              properties: { text: { type: 'string' } },
            },
          },
        ],
        messages: [
          { role: 'user', content: 'please echo "hi dana@example.com"' },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      provider: 'local',
      model: 'pilothouse-local',
      stopReason: 'tool_use',
      // The placeholder the local model saw comes back as the original.
      content: [
        {
          type: 'tool_use',
          name: 'tools.echo',
          input: { text: 'hi dana@example.com' },
        },
      ],
      usage: { costUsd: 0 },
    });
    expect(env.upstream.requests).toHaveLength(0);
  });
});

describe('the gateway over its quota', () => {
  let env: GatewayTestEnv;
  beforeAll(async () => {
    env = await startGatewayBackend({
      config: {
        quotas: {
          overrides: [
            { subject: 'user:default/erin', requestsPerMinute: 2 },
            { subject: 'user:default/farah', requestsPerMinute: 1 },
          ],
        },
      },
    });
  });
  afterAll(() => env.stop());

  it('answers 429 with Retry-After in the compat API once the minute is used up', async () => {
    const openai = new OpenAI({
      baseURL: `${env.baseUrl}/openai/v1`,
      apiKey: tokenOf('erin'),
      maxRetries: 0,
    });
    const ask = () =>
      openai.chat.completions.create({
        model: 'cloud-backup',
        messages: [{ role: 'user', content: 'hello' }],
      });
    await ask();
    await ask();
    const error = await ask().catch(e => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(error.message).toMatch(/requests per minute/);
    expect(env.upstream.requests).toHaveLength(2);

    // Someone else still gets through.
    const other = await request(env.server)
      .post('/api/llm-gateway/anthropic/v1/messages')
      .set('authorization', bearer('dmitri'))
      .send({
        model: 'cloud-small',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hello' }],
      });
    expect(other.status).toBe(200);
  });

  it('answers a streamed request over quota with 429 and Retry-After before any event', async () => {
    const anthropic = new Anthropic({
      baseURL: `${env.baseUrl}/anthropic`,
      apiKey: null,
      authToken: tokenOf('farah'),
      maxRetries: 0,
    });
    const ask = async () => {
      const stream = anthropic.messages.stream({
        model: 'cloud-small',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hello' }],
      });
      return stream.finalText();
    };
    const before = env.upstream.requests.length;
    await ask();
    const error = await ask().catch(e => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(error.message).toMatch(/requests per minute/);
    expect(env.upstream.requests.length - before).toBe(1);
  });
});
