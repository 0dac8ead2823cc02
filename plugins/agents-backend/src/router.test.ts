import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  AgentIsolationReport,
  AgentListResponse,
} from '@pilothouse/plugin-agentops-common';
import type { Server } from 'node:http';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { allEntities } from './__fixtures__';
import { validateKubernetesObject } from './__testUtils__/validateKubernetesObject';
import { startSeededSandbox } from './__testUtils__/sandbox';
import { agentsPlugin } from './plugin';

/** An Agent of another API (kagent's), which this plugin does not render. */
const otherAgent = {
  apiVersion: 'kagent.dev/v1alpha2',
  kind: 'Agent',
  metadata: { name: 'k8s-agent', namespace: 'default' },
  spec: {},
};

describe('agents router', () => {
  let sandbox: Awaited<ReturnType<typeof startSeededSandbox>>;
  let server: Server;

  beforeAll(async () => {
    sandbox = await startSeededSandbox();
    const backend = await startTestBackend({
      features: [
        agentsPlugin,
        catalogServiceMock.factory({
          entities: [...allEntities, otherAgent],
        }),
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
    server = backend.server;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  const user = `Bearer ${mockCredentials.user.token('user:default/alice')}`;

  it('lists every agent with its isolation status', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const body = res.body as AgentListResponse;
    expect(
      Object.fromEntries(
        body.items.map(item => [item.name, item.isolation.status]),
      ),
    ).toEqual({
      'cluster-reader': 'not-deployed',
      'cost-report': 'not-deployed',
      'greedy-agent': 'invalid',
      'incident-triage': 'ok',
      'missing-server-agent': 'invalid',
      'pilothouse-assistant': 'not-deployed',
      'release-agent': 'drift',
      'unknown-tool-agent': 'invalid',
    });
    const release = body.items.find(i => i.name === 'release-agent')!;
    expect(release).toMatchObject({
      entityRef: 'agent:default/release-agent',
      title: 'Release agent',
      owner: 'group:default/platform-team',
      agentNamespace: 'agent-release',
    });
    expect(release.isolation.differences.map(d => d.problem)).toEqual([
      'extra-permission',
      'changed',
    ]);
  });

  it('answers an agent’s manifests as a YAML stream of valid objects', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents/default/incident-triage/manifests')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(res.headers['content-disposition']).toBeUndefined();
    const docs = parseAllDocuments(res.text).map(d => d.toJS());
    expect(docs.map(d => d.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'ConfigMap',
      'ConfigMap',
      'Role',
      'RoleBinding',
      'Role',
      'RoleBinding',
      'Role',
      'RoleBinding',
      'NetworkPolicy',
      'NetworkPolicy',
      'ResourceQuota',
      'LimitRange',
      'Deployment',
      'Application',
    ]);
    docs.forEach(validateKubernetesObject);
    // Configured GitOps repository.
    expect(docs.at(-1).spec.source.repoURL).toBe(
      'https://git.example.com/platform/gitops.git',
    );
  });

  it('renders an agent that is not in the catalog yet, from the entity posted', async () => {
    const triage = allEntities.find(
      e => e.kind === 'Agent' && e.metadata.name === 'incident-triage',
    )!;
    const entity = {
      ...triage,
      metadata: { name: 'new-triage' },
      spec: { ...triage.spec, namespace: 'agent-new-triage' },
    };
    const res = await request(server)
      .post('/api/agents/v1/render')
      .set('Authorization', user)
      .send({ entity });
    expect(res.status).toBe(200);
    const docs = parseAllDocuments(res.text).map(d => d.toJS());
    docs.forEach(validateKubernetesObject);
    const deployment = docs.find(d => d.kind === 'Deployment');
    expect(deployment.metadata).toMatchObject({
      name: 'new-triage',
      namespace: 'agent-new-triage',
    });

    const unknown = await request(server)
      .post('/api/agents/v1/render')
      .set('Authorization', user)
      .send({
        entity: {
          ...entity,
          spec: { ...entity.spec, mcpServers: [{ server: 'nowhere' }] },
        },
      });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      'MCP servers that are not in the catalog: mcpserver:default/nowhere',
    );

    // Found by CI's fuzz run: a reference the catalog cannot parse was a 500.
    const badRef = await request(server)
      .post('/api/agents/v1/render')
      .set('Authorization', user)
      .send({
        entity: {
          ...entity,
          spec: { ...entity.spec, mcpServers: [{ server: '/etc/passwd\u0000.yaml' }] },
        },
      });
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toBe(
      'Invalid render request: entity.spec.mcpServers.0.server: not an entity reference of the form [<kind>:][<namespace>/]<name>',
    );

    const noNamespace = await request(server)
      .post('/api/agents/v1/render')
      .set('Authorization', user)
      .send({ entity: { ...entity, spec: { ...entity.spec, namespace: undefined } } });
    expect(noNamespace.status).toBe(400);
    expect(noNamespace.body.error.message).toMatch(
      /^Invalid render request: entity\.spec\.namespace/,
    );
  });

  it('offers the manifests as a download', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents/default/cost-report/manifests?download=1')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="cost-report-manifests.yaml"',
    );
  });

  it('answers one agent’s isolation report', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents/default/release-agent/isolation')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const report = res.body as AgentIsolationReport;
    expect(report.status).toBe('drift');
    expect(report.differences[0].detail).toContain(
      'grants delete on deployments.apps',
    );
  });

  it('answers 404 naming an agent that is not in the catalog', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents/default/nope/manifests')
      .set('Authorization', user);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'No entity agent:default/nope in the catalog',
    );
  });

  it('answers 400 for an Agent of another API', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents/default/k8s-agent/isolation')
      .set('Authorization', user);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'agent:default/k8s-agent (kagent.dev/v1alpha2 Agent) is not an Agent of pilothouse.io/v1alpha1',
    );
  });

  it('answers 400 with the reason when an agent cannot be rendered', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents/default/greedy-agent/manifests')
      .set('Authorization', user);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'tool do_anything of mcpserver:default/greedy declares a wildcard permission',
    );
  });

  it('answers 400 for a reference that is not an entity name', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents/default/bad%20name/manifests')
      .set('Authorization', user);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Invalid agent reference: name:/);
  });

  it('refuses a caller without valid credentials', async () => {
    const res = await request(server)
      .get('/api/agents/v1/agents')
      .set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
  });
});
