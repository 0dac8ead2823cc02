import {
  fuzzPluginRoutes,
  hostileJson,
  hostileString,
  mutated,
} from '@pilothouse/http-route-tests';
import fc from 'fast-check';
import {
  bearer,
  GatewayTestEnv,
  startGatewayBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(120_000);

const text = hostileString();
const messages = fc.array(
  fc.record({
    role: fc.constantFrom('user', 'assistant'),
    content: text,
  }),
  { minLength: 1, maxLength: 3 },
);
const model = fc.oneof(
  fc.constantFrom('pilothouse-local', 'cloud-small', 'cloud-backup'),
  text,
);
const tool = fc.oneof(
  fc.constantFrom('tools.echo', 'echo', 'delete_thing'),
  text,
);
const policyName = fc.oneof(fc.constantFrom('access', 'guardrails'), text);
const policySource = fc.oneof(
  text,
  fc.constantFrom(
    'rules: [',
    'rules:\n  - name: x\n    match: "request.kind =="\n    effect: allow',
    'rules:\n  - name: x\n    match: "true"\n    effect: deny',
    '!!js/function "function () { return 1 }"',
    '&a [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  ),
);

/*
 * Every /api/llm-gateway route (the compat APIs and the MCP endpoint too)
 * under hostile input, as carol (an admin: she passes every permission,
 * so the input reaches the handlers). The backend is the gateway on its
 * real parts and SQLite.
 */
describe('/api/llm-gateway under hostile input', () => {
  let env: GatewayTestEnv;

  beforeAll(async () => {
    env = await startGatewayBackend();
  });

  afterAll(() => env?.stop());

  it('answers every route below 500, with a message for every 4xx', async () => {
    await fuzzPluginRoutes({
      server: env.server,
      pluginId: 'llm-gateway',
      authorization: bearer('carol'),
      numRuns: 12,
      routes: {
        'GET /health': {},
        'POST /anthropic/v1/messages': {
          body: mutated(
            fc.record({
              model,
              max_tokens: fc.oneof(fc.integer(), fc.constant(64)),
              messages,
              stream: fc.boolean(),
            }),
          ),
        },
        'GET /openai/v1/models': {},
        'POST /openai/v1/chat/completions': {
          body: mutated(fc.record({ model, messages, stream: fc.boolean() })),
        },
        'POST /v1/inspect': {
          body: mutated(
            fc.record(
              {
                text,
                direction: fc.constantFrom('input', 'output'),
                asUser: text,
                conversationId: text,
                entityRef: text,
              },
              { requiredKeys: ['text', 'direction'] },
            ),
          ),
        },
        'GET /v1/detectors': {},
        'PUT /v1/detectors/:type': {
          params: { type: fc.oneof(fc.constantFrom('EMAIL', 'SECRET'), text) },
          body: mutated(
            fc.record({
              enabled: fc.boolean(),
              actions: fc.record({
                input: fc.constantFrom('allow', 'redact', 'block'),
                output: fc.constantFrom('allow', 'mask', 'hash'),
              }),
              minConfidence: fc.double(),
            }),
          ),
        },
        'GET /v1/rules': {},
        'PUT /v1/rules': {
          body: mutated(
            fc.record({
              rules: fc.array(
                mutated(
                  fc.record({
                    name: text,
                    pattern: text,
                    dictionary: fc.array(text, { maxLength: 3 }),
                    dataClass: fc.constantFrom('internal', 'restricted'),
                    actions: fc.constant({ input: 'redact', output: 'mask' }),
                  }),
                ),
                { maxLength: 3 },
              ),
            }),
          ),
        },
        'GET /v1/policies': {},
        'POST /v1/policies/evaluate': {
          body: mutated(
            fc.record({
              user: text,
              request: mutated(
                fc.record({
                  kind: fc.constantFrom('model', 'tool', 'inspect'),
                  model: text,
                  tool: fc.record({ name: text }),
                }),
              ),
            }),
          ),
        },
        'GET /v1/policies/:name': {
          params: { name: policyName },
          query: ['version'],
        },
        'GET /v1/policies/:name/history': { params: { name: policyName } },
        'POST /v1/policies/:name/validate': {
          params: { name: policyName },
          body: mutated(fc.record({ source: policySource })),
        },
        'PUT /v1/policies/:name': {
          // A name no other route reads, so a saved policy that denies all
          // does not turn the rest of the run into 403s.
          params: { name: fc.oneof(fc.constant('fuzz'), text) },
          body: mutated(
            fc.record({
              source: policySource,
              comment: text,
              baseVersion: fc.integer(),
            }),
          ),
        },
        'POST /v1/policies/:name/restore': {
          params: { name: policyName },
          body: mutated(fc.record({ version: fc.integer(), comment: text })),
        },
        'GET /v1/audit': {
          query: [
            'actor',
            'entityRef',
            'decision',
            'findingType',
            'kind',
            'from',
            'to',
            'limit',
            'before',
          ],
        },
        'GET /v1/audit/verify': { query: ['fromSeq', 'toSeq'] },
        'GET /v1/audit/verification': {},
        'GET /v1/quotas': {},
        'GET /v1/usage': { query: ['scope', 'subject', 'from', 'to'] },
        'POST /v1/complete': {
          query: ['stream'],
          body: mutated(
            fc.record(
              {
                model,
                messages,
                maxTokens: fc.integer(),
                entityRef: text,
                conversationId: text,
              },
              { requiredKeys: ['messages'] },
            ),
          ),
        },
        'GET /v1/tools': { query: ['entityRef'] },
        'POST /v1/tools/call': {
          body: mutated(
            fc.record(
              {
                tool,
                arguments: fc.dictionary(text, hostileJson(), { maxKeys: 3 }),
                approvalId: text,
              },
              { requiredKeys: ['tool'] },
            ),
          ),
        },
        'GET /v1/providers': {},
        'GET /v1/approvals': {},
        'POST /v1/approvals/:id/approve': {
          body: mutated(fc.record({ comment: text })),
        },
        'POST /v1/approvals/:id/reject': {
          body: mutated(fc.record({ comment: text })),
        },
        'POST /mcp': {
          body: mutated(
            fc.record({
              jsonrpc: fc.constant('2.0'),
              id: fc.oneof(fc.integer(), text),
              method: fc.oneof(
                fc.constantFrom('tools/list', 'tools/call', 'initialize'),
                text,
              ),
              params: fc.oneof(
                fc.record({
                  name: tool,
                  arguments: fc.dictionary(text, hostileJson(), { maxKeys: 3 }),
                }),
                hostileJson(),
              ),
            }),
          ),
        },
        'GET /mcp': {},
        'DELETE /mcp': {},
      },
    });
    // Still serving after all of it.
    const res = await fetch(`${env.baseUrl}/v1/detectors`, {
      headers: { authorization: bearer('carol') },
    });
    expect(res.status).toBe(200);
  });
});
