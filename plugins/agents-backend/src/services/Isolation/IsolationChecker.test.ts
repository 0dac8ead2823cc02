import { mockServices } from '@backstage/backend-test-utils';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import {
  agentNamed,
  fixtureServers,
  seededAgents,
  seededServers,
} from '../../__fixtures__';
import { startSeededSandbox } from '../../__testUtils__/sandbox';
import { DEFAULT_ISOLATION_OPTIONS } from '../../render/options';
import { IsolationChecker } from './IsolationChecker';
import { KubernetesIsolationReader } from './KubernetesIsolationReader';

describe('IsolationChecker against the sandbox cluster', () => {
  let sandbox: Awaited<ReturnType<typeof startSeededSandbox>>;
  let checker: IsolationChecker;
  let rbac: RbacAuthorizationV1Api;
  let networking: NetworkingV1Api;
  let core: CoreV1Api;

  beforeEach(async () => {
    sandbox = await startSeededSandbox();
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    networking = kc.makeApiClient(NetworkingV1Api);
    core = kc.makeApiClient(CoreV1Api);
    checker = new IsolationChecker({
      reader: new KubernetesIsolationReader(kc),
      options: DEFAULT_ISOLATION_OPTIONS,
      logger: mockServices.logger.mock(),
    });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  const check = (name: string) =>
    checker.check(agentNamed(name), fixtureServers);

  it('reports ok for an agent deployed as rendered', async () => {
    const report = await check('incident-triage');
    expect(report).toMatchObject({
      agentRef: 'agent:default/incident-triage',
      agentNamespace: 'agent-incident-triage',
      status: 'ok',
      differences: [],
    });
  });

  it('reports the seeded drift: an extra verb live and a default deny that lets egress out', async () => {
    const report = await check('release-agent');
    expect(report.status).toBe('drift');
    expect(report.differences).toEqual([
      {
        kind: 'Role',
        namespace: 'payments',
        name: 'pilothouse-agent-release-agent',
        problem: 'extra-permission',
        detail:
          'Role payments/pilothouse-agent-release-agent grants delete on deployments.apps beyond what the tools declare (get)',
      },
      {
        kind: 'NetworkPolicy',
        namespace: 'agent-release',
        name: 'default-deny',
        problem: 'changed',
        detail:
          'NetworkPolicy agent-release/default-deny does not deny all ingress and egress (policyTypes ["Ingress"]); the namespace has no default deny',
      },
    ]);
  });

  it('reports not-deployed when the agent’s namespace is absent', async () => {
    const report = await check('cost-report');
    expect(report.status).toBe('not-deployed');
    expect(report.message).toBe(
      'Namespace agent-cost-report does not exist in the cluster',
    );
  });

  it('reports invalid, with the reason, for an agent that cannot be rendered', async () => {
    const report = await check('greedy-agent');
    expect(report.status).toBe('invalid');
    expect(report.message).toMatch(/wildcard permission/);
  });

  it('finds a wildcard, a missing rule, a cluster-wide binding and a policy that opens egress', async () => {
    const name = 'pilothouse-agent-incident-triage';
    await rbac.deleteNamespacedRole({ name, namespace: 'checkout' });
    await rbac.createNamespacedRole({
      namespace: 'checkout',
      body: {
        metadata: { name },
        rules: [
          { apiGroups: [''], resources: ['*'], verbs: ['get'] },
          {
            apiGroups: ['apps'],
            resources: ['deployments'],
            verbs: ['get', 'list'],
          },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'incident-triage-view' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'view',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'incident-triage',
            namespace: 'agent-incident-triage',
          },
        ],
      },
    });
    await networking.createNamespacedNetworkPolicy({
      namespace: 'agent-incident-triage',
      body: {
        metadata: { name: 'allow-all-egress' },
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
      },
    });
    await core.deleteNamespacedLimitRange({
      name: 'incident-triage-limits',
      namespace: 'agent-incident-triage',
    });

    const report = await check('incident-triage');
    expect(report.status).toBe('drift');
    const problems = report.differences.map(
      d => `${d.problem} ${d.kind} ${d.namespace ?? ''}/${d.name}`,
    );
    expect(problems).toEqual([
      `wildcard Role checkout/${name}`,
      `missing-permission Role checkout/${name}`,
      `missing-permission Role checkout/${name}`,
      `missing-permission Role checkout/${name}`,
      `missing-permission Role checkout/${name}`,
      'unexpected ClusterRoleBinding /incident-triage-view',
      'unexpected NetworkPolicy agent-incident-triage/allow-all-egress',
      'missing LimitRange agent-incident-triage/incident-triage-limits',
    ]);
    expect(report.differences[0].detail).toContain("grants '*' in resources");
    expect(report.differences.map(d => d.detail)).toContainEqual(
      `Role checkout/${name} does not grant list on replicasets.apps, which the tools declare`,
    );
    // The wildcard grants get on pods/log, so that is not reported missing.
    expect(JSON.stringify(report.differences)).not.toContain('pods/log');
  });

  it('reports unreachable when the cluster does not answer', async () => {
    await sandbox.close();
    const report = await check('incident-triage');
    expect(report.status).toBe('unreachable');
    expect(report.message).toMatch(/^The cluster could not be read: /);
    sandbox = await startSeededSandbox();
  });
});

describe("the portal's own sandbox and agents (catalog/)", () => {
  it('shows incident-triage as rendered, release-agent drifted, cost-report not deployed', async () => {
    const sandbox = await startSeededSandbox({ repositoryAgents: true });
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(sandbox.kubeconfigPath);
      const checker = new IsolationChecker({
        reader: new KubernetesIsolationReader(kc),
        options: DEFAULT_ISOLATION_OPTIONS,
        logger: mockServices.logger.mock(),
      });
      const check = (name: string) =>
        checker.check(
          seededAgents.find(a => a.metadata.name === name)!,
          seededServers,
        );
      expect(await check('incident-triage')).toMatchObject({
        status: 'ok',
        differences: [],
      });
      const release = await check('release-agent');
      expect(release.status).toBe('drift');
      expect(release.differences.map(d => d.detail)).toEqual([
        expect.stringMatching(/grants delete on deployments\.apps beyond what the tools declare/),
        expect.stringMatching(/does not deny all ingress and egress/),
      ]);
      expect((await check('cost-report')).status).toBe('not-deployed');
    } finally {
      await sandbox.close();
    }
  });
});
