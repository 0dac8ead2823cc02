import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { checkRouteAccess, RouteAccess } from '@pilothouse/http-route-tests';
import {
  bearer,
  GatewayTestEnv,
  startGatewayBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(120_000);

const READ = 'llm-gateway.read';
const ADMIN = 'llm-gateway.admin';
const AUDIT = 'llm-gateway.audit.read';

/** Allowed or refused by the gateway's own policies (policies/gateway), per model, tool and data class. */
const BY_POLICY =
  'every signed-in caller may ask; the gateway policies decide per model, tool and data class (policies.test.ts, endToEnd.test.ts)';

const json = (body: unknown) => ({
  body: JSON.stringify(body),
  contentType: 'application/json',
});

const ROUTES: Record<string, RouteAccess> = {
  'GET /health': { public: 'the liveness probe; says only "ok"' },
  'POST /anthropic/v1/messages': {
    signedIn: BY_POLICY,
    request: json({
      model: 'pilothouse-local',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  },
  'GET /openai/v1/models': {
    signedIn:
      'model names only, the same for everyone; using one is decided by policy',
  },
  'POST /openai/v1/chat/completions': {
    signedIn: BY_POLICY,
    request: json({
      model: 'pilothouse-local',
      messages: [{ role: 'user', content: 'hi' }],
    }),
  },
  'POST /v1/inspect': {
    // Inspecting one's own text is for everyone; the playground's asUser is for admins.
    permission: ADMIN,
    request: json({ text: 'hi', direction: 'input', asUser: 'bob' }),
  },
  'GET /v1/detectors': { permission: READ },
  'PUT /v1/detectors/:type': {
    permission: ADMIN,
    request: {
      path: '/v1/detectors/EMAIL',
      ...json({
        enabled: true,
        actions: { input: 'redact', output: 'allow' },
        minConfidence: 0.5,
      }),
    },
  },
  'GET /v1/rules': { permission: READ },
  'PUT /v1/rules': { permission: ADMIN, request: json({ rules: [] }) },
  'GET /v1/policies': { permission: READ },
  'POST /v1/policies/evaluate': { permission: ADMIN },
  'GET /v1/policies/:name': { permission: READ },
  'GET /v1/policies/:name/history': { permission: READ },
  'POST /v1/policies/:name/validate': { permission: READ },
  'PUT /v1/policies/:name': { permission: ADMIN },
  'POST /v1/policies/:name/restore': { permission: ADMIN },
  'GET /v1/audit': {
    // One's own records are for everyone; another actor's need the audit permission.
    permission: AUDIT,
    request: { path: '/v1/audit?actor=user%3Adefault%2Fbob' },
  },
  'GET /v1/audit/verify': { permission: AUDIT },
  'GET /v1/audit/verification': { permission: [READ, AUDIT] },
  'GET /v1/quotas': { permission: [READ, ADMIN] },
  'GET /v1/usage': { permission: [READ, ADMIN] },
  'POST /v1/complete': { signedIn: BY_POLICY },
  'GET /v1/tools': { signedIn: BY_POLICY },
  'POST /v1/tools/call': { signedIn: BY_POLICY },
  'GET /v1/providers': { permission: READ },
  'GET /v1/approvals': {
    signedIn:
      'a caller sees their own requests, approvers (by group) the ones they may decide',
  },
  'POST /v1/approvals/:id/approve': {
    signedIn:
      'only the approver groups of the approval may decide it (approvals.test.ts)',
  },
  'POST /v1/approvals/:id/reject': {
    signedIn:
      'only the requester or the approver groups may decide it (approvals.test.ts)',
  },
  'POST /mcp': {
    signedIn: BY_POLICY,
    request: json({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  },
  'GET /mcp': {
    signedIn: 'answers 405 to everyone signed in: the endpoint is stateless',
  },
  'DELETE /mcp': {
    signedIn: 'answers 405 to everyone signed in: the endpoint is stateless',
  },
};

/*
 * Every /api/llm-gateway route without a token, and as a caller the
 * permission framework says no to (a policy that denies every permission).
 */
describe('/api/llm-gateway access', () => {
  let env: GatewayTestEnv;

  beforeAll(async () => {
    env = await startGatewayBackend({
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
  });

  afterAll(() => env?.stop());

  it('refuses anonymous callers everywhere but /health, and callers without the permission', async () => {
    expect(
      await checkRouteAccess({
        server: env.server,
        pluginId: 'llm-gateway',
        routes: ROUTES,
        withoutPermission: () => bearer('alice'),
      }),
    ).toEqual([]);
  });
});
