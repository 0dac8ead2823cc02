import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { checkRouteAccess } from '@pilothouse/http-route-tests';
import {
  AssistantTestBackend,
  startAssistantBackend,
  startCluster,
  TestCluster,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A user's own conversations: another user's are a 404, as if they did not exist. */
const OWN =
  'a user’s own conversations only (another user’s is a 404); every model and tool call in a turn goes through the gateway’s policies as this user';

describe('/api/ai-assistant access', () => {
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
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
  });

  afterAll(async () => {
    await env?.stop();
    await cluster?.close();
  });

  it('refuses anonymous callers everywhere but /health', async () => {
    expect(
      await checkRouteAccess({
        server: env.server,
        pluginId: 'ai-assistant',
        withoutPermission: () => {
          throw new Error('no route here checks a Backstage permission');
        },
        routes: {
          'GET /health': { public: 'the liveness probe; says only "ok"' },
          'POST /v1/transcribe': {
            signedIn: 'speech to text of the caller’s own recording',
            request: { body: 'RIFF', contentType: 'audio/wav' },
          },
          'GET /v1/transcribe': { signedIn: 'whether voice input is set up' },
          'GET /v1/conversations': { signedIn: OWN },
          'POST /v1/conversations': { signedIn: OWN },
          'GET /v1/conversations/:id': { signedIn: OWN },
          'DELETE /v1/conversations/:id': { signedIn: OWN },
          'POST /v1/conversations/:id/messages': { signedIn: OWN },
          'POST /v1/conversations/:id/resume': { signedIn: OWN },
          'POST /v1/conversations/:id/undo': { signedIn: OWN },
          'POST /v1/conversations/:id/cancel': { signedIn: OWN },
          'POST /v1/plan': {
            signedIn:
              'a dry run of the caller’s own request; its tool list is the gateway’s answer for this user',
          },
          'POST /v1/approvals/:approvalId/decided': {
            signedIn:
              'only the requester or a member of the approver groups (a 403 otherwise; approvals.test.ts); the decision itself is the gateway’s',
          },
        },
      }),
    ).toEqual([]);
  });
});
