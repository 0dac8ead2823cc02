import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSeedFile } from './seed';
import { RunningSandbox, startSandbox } from './server';

const seedFile = path.resolve(__dirname, '../../../catalog/sandbox.yaml');

function clientsFor(url: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sandbox', server: url, skipTLSVerify: true }],
    users: [{ name: 'sandbox' }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'sandbox' }],
    currentContext: 'sandbox',
  });
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
  };
}

async function paymentsPods(core: CoreV1Api) {
  const pods = await core.listNamespacedPod({
    namespace: 'payments',
    labelSelector: 'backstage.io/kubernetes-id=payments',
  });
  return pods.items.map(p => p.metadata!.name!).sort();
}

describe('sandbox Kubernetes API with @kubernetes/client-node', () => {
  let dataDir: string;
  let sandbox: RunningSandbox | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-sandbox-'));
  });

  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the seeded namespaces, deployments, pods and namespace guard rails', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { core, apps, rbac, networking } = clientsFor(sandbox.url);

    const namespaces = await core.listNamespace();
    expect(namespaces.items.map(n => n.metadata?.name)).toEqual(
      expect.arrayContaining(['payments', 'checkout', 'platform']),
    );

    const deployments = await apps.listDeploymentForAllNamespaces();
    expect(
      deployments.items
        .map(d => `${d.metadata?.namespace}/${d.metadata?.name}`)
        .sort(),
    ).toEqual([
      'agent-incident-triage/incident-triage',
      'agent-release-agent/release-agent',
      'checkout/checkout',
      'checkout/inventory',
      'checkout/orders',
      'payments/payments',
      'platform/notifications',
      'platform/pilothouse',
    ]);
    const payments = await apps.readNamespacedDeployment({
      name: 'payments',
      namespace: 'payments',
    });
    expect(payments.spec?.replicas).toBe(3);
    expect(payments.status?.readyReplicas).toBe(3);
    expect(payments.metadata?.labels?.['backstage.io/kubernetes-id']).toBe(
      'payments',
    );

    expect(await paymentsPods(core)).toHaveLength(3);
    // Deployments seeded as literal objects (the agents') get pods too.
    const agentPods = await core.listNamespacedPod({
      namespace: 'agent-incident-triage',
      labelSelector: 'pilothouse.io/agent=incident-triage',
    });
    expect(agentPods.items.map(p => p.status?.phase)).toEqual(['Running']);
    const otherPods = await core.listNamespacedPod({
      namespace: 'checkout',
      labelSelector: 'backstage.io/kubernetes-id=payments',
    });
    expect(otherPods.items).toHaveLength(0);

    const roles = await rbac.listNamespacedRole({ namespace: 'payments' });
    expect(roles.items.map(r => r.metadata?.name)).toContain('payments');
    const policies = await networking.listNamespacedNetworkPolicy({
      namespace: 'payments',
    });
    expect(policies.items[0].spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    const quotas = await core.listResourceQuotaForAllNamespaces();
    expect(quotas.items.length).toBeGreaterThanOrEqual(3);
  });

  it('reads pod logs with tailLines', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { core } = clientsFor(sandbox.url);
    const [pod] = await paymentsPods(core);
    const log = await core.readNamespacedPodLog({
      name: pod,
      namespace: 'payments',
      tailLines: 2,
    });
    const lines = log.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('[payments]');
  });

  it('scales through the scale subresource and pods follow, with events', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { core, apps } = clientsFor(sandbox.url);
    const before = await paymentsPods(core);

    const scale = await apps.readNamespacedDeploymentScale({
      name: 'payments',
      namespace: 'payments',
    });
    expect(scale.spec?.replicas).toBe(3);
    await apps.replaceNamespacedDeploymentScale({
      name: 'payments',
      namespace: 'payments',
      body: { ...scale, spec: { replicas: 5 } },
    });
    const scaledUp = await paymentsPods(core);
    expect(scaledUp).toHaveLength(5);
    expect(scaledUp).toEqual(expect.arrayContaining(before));

    await apps.patchNamespacedDeploymentScale(
      {
        name: 'payments',
        namespace: 'payments',
        body: { spec: { replicas: 1 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(await paymentsPods(core)).toHaveLength(1);

    const events = await core.listNamespacedEvent({
      namespace: 'payments',
      fieldSelector:
        'involvedObject.kind=Deployment,involvedObject.name=payments',
    });
    const messages = events.items.map(e => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Scaled up replica set payments-\w+ from 3 to 5$/,
        ),
        expect.stringMatching(
          /^Scaled down replica set payments-\w+ from 5 to 1$/,
        ),
      ]),
    );
  });

  it('restarts with a new ReplicaSet revision and can roll back to the previous one', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { core, apps } = clientsFor(sandbox.url);
    const before = await paymentsPods(core);

    await apps.patchNamespacedDeployment(
      {
        name: 'payments',
        namespace: 'payments',
        body: {
          spec: {
            template: {
              metadata: {
                annotations: {
                  'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z',
                },
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const after = await paymentsPods(core);
    expect(after).toHaveLength(3);
    expect(after.filter(p => before.includes(p))).toEqual([]);

    const replicaSets = await apps.listNamespacedReplicaSet({
      namespace: 'payments',
    });
    const revisions = replicaSets.items
      .map(rs => ({
        revision:
          rs.metadata?.annotations?.['deployment.kubernetes.io/revision'],
        replicas: rs.spec?.replicas,
      }))
      .sort((a, b) => Number(a.revision) - Number(b.revision));
    expect(revisions).toEqual([
      { revision: '1', replicas: 0 },
      { revision: '2', replicas: 3 },
    ]);

    // What `kubectl rollout undo` does: put the previous template back.
    const previous = replicaSets.items.find(
      rs =>
        rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '1',
    )!;
    const template = structuredClone(previous.spec!.template!);
    delete template.metadata!.labels!['pod-template-hash'];
    await apps.patchNamespacedDeployment(
      {
        name: 'payments',
        namespace: 'payments',
        body: [{ op: 'replace', path: '/spec/template', value: template }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    const rolledBack = await apps.readNamespacedDeployment({
      name: 'payments',
      namespace: 'payments',
    });
    expect(
      rolledBack.metadata?.annotations?.['deployment.kubernetes.io/revision'],
    ).toBe('3');
    expect(rolledBack.spec?.template?.metadata?.annotations).toBeUndefined();
  });

  it('has a crash-looping and a pending workload', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { core } = clientsFor(sandbox.url);
    const platform = await core.listNamespacedPod({
      namespace: 'platform',
      labelSelector: 'backstage.io/kubernetes-id=notifications',
    });
    const crashing = platform.items[0].status!.containerStatuses![0];
    expect(crashing.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(crashing.restartCount).toBeGreaterThan(0);
    const warnings = await core.listNamespacedEvent({
      namespace: 'platform',
      fieldSelector: 'type=Warning,reason=BackOff',
    });
    expect(warnings.items.length).toBeGreaterThan(0);

    const inventory = await core.listNamespacedPod({
      namespace: 'checkout',
      labelSelector: 'backstage.io/kubernetes-id in (inventory)',
    });
    expect(inventory.items[0].status?.phase).toBe('Pending');
    expect(inventory.items[0].status?.conditions).toEqual([
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
      }),
    ]);
  });

  it('answers 404 Status objects that the client turns into errors', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { apps } = clientsFor(sandbox.url);
    await expect(
      apps.readNamespacedDeployment({ name: 'nope', namespace: 'payments' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('keeps its state across a restart with the same data directory', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    let clients = clientsFor(sandbox.url);
    await clients.apps.patchNamespacedDeploymentScale(
      {
        name: 'payments',
        namespace: 'payments',
        body: { spec: { replicas: 4 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const podsBefore = await paymentsPods(clients.core);
    await sandbox.close();

    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    clients = clientsFor(sandbox.url);
    const scale = await clients.apps.readNamespacedDeploymentScale({
      name: 'payments',
      namespace: 'payments',
    });
    expect(scale.spec?.replicas).toBe(4);
    expect(await paymentsPods(clients.core)).toEqual(podsBefore);
    expect(fs.readFileSync(sandbox.kubeconfigPath!, 'utf8')).toContain(
      sandbox.url,
    );
  });

  it('serves the seeded agent namespaces with their RBAC, policies, quota and limit range', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { core, rbac, networking } = clientsFor(sandbox.url);
    const ns = await core.readNamespace({ name: 'agent-incident-triage' });
    expect(ns.metadata?.labels).toMatchObject({
      'kubernetes.io/metadata.name': 'agent-incident-triage',
      'pilothouse.io/agent': 'incident-triage',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const role = await rbac.readNamespacedRole({
      name: 'pilothouse-agent-release-agent',
      namespace: 'agent-release-agent',
    });
    expect(role.rules).toContainEqual(
      expect.objectContaining({
        resources: ['deployments'],
        verbs: ['get', 'list', 'delete'],
      }),
    );
    const limits = await core.listNamespacedLimitRange({
      namespace: 'agent-incident-triage',
    });
    expect(limits.items[0].spec?.limits[0].max).toEqual({
      cpu: '500m',
      memory: '512Mi',
    });
    const policies = await networking.listNamespacedNetworkPolicy({
      namespace: 'agent-release-agent',
    });
    expect(policies.items.map(p => p.metadata?.name).sort()).toEqual([
      'default-deny',
      'release-agent-egress',
    ]);
  });

  it('creates and lists ClusterRoleBindings and LimitRanges', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const { core, rbac } = clientsFor(sandbox.url);
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'agent-view' },
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
    const bindings = await rbac.listClusterRoleBinding();
    expect(bindings.items.map(b => b.metadata?.name)).toEqual(['agent-view']);
    await core.createNamespacedLimitRange({
      namespace: 'payments',
      body: {
        metadata: { name: 'defaults' },
        spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] },
      },
    });
    await core.deleteNamespace({ name: 'payments' });
    const left = await core.listLimitRangeForAllNamespaces();
    expect(left.items.map(l => l.metadata?.namespace)).not.toContain(
      'payments',
    );
  });

  it('adds the seeded agent namespaces to state written before they were seeded', async () => {
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    let { core } = clientsFor(sandbox.url);
    await core.deleteNamespace({ name: 'agent-incident-triage' });
    await core.deleteNamespace({ name: 'agent-release-agent' });
    await sandbox.close();

    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    ({ core } = clientsFor(sandbox.url));
    const namespaces = await core.listNamespace({
      labelSelector: 'pilothouse.io/agent',
    });
    expect(namespaces.items.map(n => n.metadata?.name).sort()).toEqual([
      'agent-incident-triage',
      'agent-release-agent',
    ]);
  });

  it('refuses a seed object of a kind it does not serve, naming it', () => {
    const file = path.join(dataDir, 'seed.yaml');
    fs.writeFileSync(
      file,
      [
        'kubernetes:',
        '  namespaces: []',
        '  workloads: []',
        '  objects:',
        '    - { apiVersion: v1, kind: ConfigMap, metadata: { name: x, namespace: default } }',
      ].join('\n'),
    );
    expect(() => readSeedFile(file)).toThrow(
      'kubernetes.objects.0: v1 ConfigMap is not served by the sandbox',
    );
  });
});
