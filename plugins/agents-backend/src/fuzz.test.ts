import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  fuzzPluginRoutes,
  hostileJson,
  hostileString,
  mutated,
} from '@pilothouse/http-route-tests';
import fc from 'fast-check';
import { agentNamed, allEntities } from './__fixtures__';
import { startSeededSandbox } from './__testUtils__/sandbox';
import { agentsPlugin } from './plugin';

jest.setTimeout(120_000);

/*
 * Every /api/agents route under hostile input, on the fixture catalog and
 * the seeded sandbox cluster.
 */
describe('/api/agents under hostile input', () => {
  let sandbox: Awaited<ReturnType<typeof startSeededSandbox>>;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    sandbox = await startSeededSandbox();
    backend = await startTestBackend({
      features: [
        agentsPlugin,
        catalogServiceMock.factory({ entities: allEntities }),
        mockServices.rootConfig.factory({
          data: {
            agents: {
              kubernetes: { kubeconfig: sandbox.kubeconfigPath },
              gitops: {
                repoUrl: 'https://git.example.com/platform/gitops.git',
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await sandbox?.close();
  });

  it('answers every route below 500, with a message for every 4xx', async () => {
    const text = hostileString();
    const agent = agentNamed('incident-triage');
    const namespace = fc.oneof(fc.constant('default'), text);
    const name = fc.oneof(
      fc.constantFrom('incident-triage', 'release-agent', 'greedy-agent'),
      text,
    );
    const { statuses } = await fuzzPluginRoutes({
      server: backend.server,
      pluginId: 'agents',
      numRuns: 15,
      authorization: `Bearer ${mockCredentials.user.token(
        'user:default/alice',
      )}`,
      routes: {
        'GET /health': {},
        'GET /v1/agents': {},
        'GET /v1/agents/:namespace/:name/manifests': {
          params: { namespace, name },
          query: ['download'],
        },
        'GET /v1/agents/:namespace/:name/isolation': {
          params: { namespace, name },
        },
        'POST /v1/render': {
          body: fc.record({
            entity: mutated(
              fc.record({
                apiVersion: fc.constant(agent.apiVersion),
                kind: fc.constant(agent.kind),
                metadata: mutated(fc.constant({ ...agent.metadata })),
                spec: mutated(
                  fc.record({
                    owner: fc.oneof(fc.constant(agent.spec.owner), text),
                    namespace: fc.oneof(
                      fc.constant(agent.spec.namespace),
                      text,
                    ),
                    mcpServers: fc.oneof(
                      fc.constant(agent.spec.mcpServers),
                      fc.array(
                        mutated(
                          fc.record({
                            server: text,
                            tools: fc.array(text, { maxLength: 3 }),
                          }),
                        ),
                        { maxLength: 2 },
                      ),
                    ),
                    resources: hostileJson(),
                    egress: hostileJson(),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    });
    // The list takes no input, so it answers whatever the query holds.
    expect(Object.keys(statuses['GET /v1/agents'])).toEqual(
      expect.arrayContaining(['200']),
    );
  });
});
