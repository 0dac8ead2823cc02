import { ensureKubectl, kubectlVersion } from './__testUtils__/kubectl';
import type { KubeObject } from './__testUtils__/kustomize';
import {
  buildEnvironment,
  copyWithoutSecrets,
  ENVIRONMENTS,
  type Environment,
  find,
  NAMESPACES,
  ofKind,
  selects,
} from './__testUtils__/overlays';
import { kustomizeBuild } from './__testUtils__/kustomize';
import { repoRoot } from './__testUtils__/repoPaths';
import { validateObject } from './__testUtils__/validateObject';
import fs from 'node:fs';
import path from 'node:path';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
]);

let kubectl: string;
const built = {} as Record<Environment, KubeObject[]>;

beforeAll(async () => {
  kubectl = await ensureKubectl(repoRoot);
  for (const env of ENVIRONMENTS) {
    built[env] = await buildEnvironment(kubectl, env);
  }
}, 120_000);

function schemaErrors(objects: KubeObject[]): string[] {
  return objects.flatMap(object => {
    try {
      validateObject(object);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}

function podSpecs(objects: KubeObject[]) {
  return ofKind(objects, 'Deployment').map(deployment => ({
    name: deployment.metadata.name as string,
    labels: deployment.spec.template.metadata.labels as Record<string, string>,
    spec: deployment.spec.template.spec,
  }));
}

describe('kubectl from the npm registry', () => {
  it('runs, with Kustomize 5 built in', async () => {
    const version = await kubectlVersion(kubectl);
    expect(version.kubectl).toMatch(/^v1\.\d+\.\d+/);
    expect(version.kustomize).toMatch(/^v5\./);
  });
});

describe('schema validation', () => {
  it('refuses an object that does not fit its schema', () => {
    expect(() =>
      validateObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'broken' },
        spec: { replicas: 'three', selector: {}, template: {} },
      }),
    ).toThrow(/Deployment broken/);
    expect(() =>
      validateObject({
        apiVersion: 'example.com/v1',
        kind: 'Unknown',
        metadata: { name: 'x' },
      }),
    ).toThrow(/no schema for example.com\/v1 Unknown/);
  });
});

describe.each(ENVIRONMENTS)('the %s overlay', env => {
  const objects = () => built[env];
  const namespace = NAMESPACES[env];

  it('builds objects that all fit their Kubernetes, Argo CD or External Secrets schema', () => {
    expect(objects().length).toBeGreaterThan(10);
    expect(schemaErrors(objects())).toEqual([]);
  });

  it('puts every namespaced object in its own namespace, which enforces PodSecurity restricted', () => {
    const outside = objects()
      .filter(object => !CLUSTER_SCOPED.has(object.kind))
      .filter(object => object.metadata.namespace !== namespace)
      .map(object => `${object.kind} ${object.metadata.name}`);
    expect(outside).toEqual([]);
    const ns = find(objects(), 'Namespace', namespace);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
  });

  it('refers only to objects it creates', () => {
    const configMaps = new Set(
      ofKind(objects(), 'ConfigMap').map(o => o.metadata.name),
    );
    const secrets = new Set([
      ...ofKind(objects(), 'Secret').map(o => o.metadata.name),
      ...ofKind(objects(), 'ExternalSecret').map(o => o.spec.target.name),
    ]);
    const serviceAccounts = new Set(
      ofKind(objects(), 'ServiceAccount').map(o => o.metadata.name),
    );
    const missing: string[] = [];
    for (const pod of podSpecs(objects())) {
      if (
        pod.spec.serviceAccountName &&
        !serviceAccounts.has(pod.spec.serviceAccountName)
      ) {
        missing.push(
          `${pod.name}: ServiceAccount ${pod.spec.serviceAccountName}`,
        );
      }
      for (const container of pod.spec.containers) {
        for (const source of container.envFrom ?? []) {
          if (
            source.configMapRef &&
            !configMaps.has(source.configMapRef.name)
          ) {
            missing.push(`${pod.name}: ConfigMap ${source.configMapRef.name}`);
          }
          if (source.secretRef && !secrets.has(source.secretRef.name)) {
            missing.push(`${pod.name}: Secret ${source.secretRef.name}`);
          }
        }
      }
      for (const volume of pod.spec.volumes ?? []) {
        if (volume.configMap && !configMaps.has(volume.configMap.name)) {
          missing.push(`${pod.name}: ConfigMap ${volume.configMap.name}`);
        }
      }
    }
    const pods = podSpecs(objects());
    for (const service of ofKind(objects(), 'Service')) {
      if (service.spec.type === 'ExternalName') continue;
      const target = pods.find(pod =>
        selects(service.spec.selector, pod.labels),
      );
      if (!target) {
        missing.push(`Service ${service.metadata.name}: no pods selected`);
        continue;
      }
      const portNames = target.spec.containers.flatMap((c: any) =>
        (c.ports ?? []).map((p: any) => p.name),
      );
      for (const port of service.spec.ports) {
        if (!portNames.includes(port.targetPort)) {
          missing.push(
            `Service ${service.metadata.name}: container port ${port.targetPort}`,
          );
        }
      }
    }
    for (const ingress of ofKind(objects(), 'Ingress')) {
      for (const rule of ingress.spec.rules) {
        for (const p of rule.http.paths) {
          const service = objects().find(
            o =>
              o.kind === 'Service' &&
              o.metadata.name === p.backend.service.name,
          );
          if (
            !service?.spec.ports.some(
              (port: any) => port.name === p.backend.service.port.name,
            )
          ) {
            missing.push(
              `Ingress: Service ${p.backend.service.name} port ${p.backend.service.port.name}`,
            );
          }
        }
      }
    }
    for (const hpa of ofKind(objects(), 'HorizontalPodAutoscaler')) {
      find(
        objects(),
        hpa.spec.scaleTargetRef.kind,
        hpa.spec.scaleTargetRef.name,
      );
    }
    for (const pdb of ofKind(objects(), 'PodDisruptionBudget')) {
      if (
        !pods.some(pod => selects(pdb.spec.selector.matchLabels, pod.labels))
      ) {
        missing.push(
          `PodDisruptionBudget ${pdb.metadata.name}: no pods selected`,
        );
      }
    }
    for (const binding of ofKind(objects(), 'ClusterRoleBinding')) {
      find(objects(), binding.roleRef.kind, binding.roleRef.name);
      for (const subject of binding.subjects) {
        if (
          subject.namespace !== namespace ||
          !serviceAccounts.has(subject.name)
        ) {
          missing.push(
            `ClusterRoleBinding ${binding.metadata.name}: ServiceAccount ${subject.namespace}/${subject.name}`,
          );
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('names its cluster-wide objects after the environment, so environments can share a cluster', () => {
    for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
      for (const object of ofKind(objects(), kind)) {
        expect(object.metadata.name).toContain(env);
      }
    }
  });

  it('runs every pod non-root, read-only, without capabilities, under seccomp RuntimeDefault', () => {
    const problems: string[] = [];
    for (const pod of podSpecs(objects())) {
      const podContext = pod.spec.securityContext ?? {};
      for (const container of pod.spec.containers) {
        const context = container.securityContext ?? {};
        const where = `${pod.name}/${container.name}`;
        if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true)
          problems.push(`${where}: runAsNonRoot`);
        if ((context.runAsUser ?? podContext.runAsUser) === 0)
          problems.push(`${where}: runs as uid 0`);
        if (context.readOnlyRootFilesystem !== true)
          problems.push(`${where}: readOnlyRootFilesystem`);
        if (context.allowPrivilegeEscalation !== false)
          problems.push(`${where}: allowPrivilegeEscalation`);
        if (context.privileged) problems.push(`${where}: privileged`);
        if (!(context.capabilities?.drop ?? []).includes('ALL'))
          problems.push(`${where}: capabilities not dropped`);
        if (context.capabilities?.add?.length)
          problems.push(`${where}: capabilities added`);
        const seccomp =
          context.seccompProfile?.type ?? podContext.seccompProfile?.type;
        if (seccomp !== 'RuntimeDefault')
          problems.push(`${where}: seccomp ${seccomp}`);
      }
      if (pod.spec.hostNetwork || pod.spec.hostPID || pod.spec.hostIPC)
        problems.push(`${pod.name}: host namespaces`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every container CPU and memory requests and a memory limit', () => {
    for (const pod of podSpecs(objects())) {
      for (const container of pod.spec.containers) {
        expect(container.resources?.requests).toEqual(
          expect.objectContaining({
            cpu: expect.anything(),
            memory: expect.anything(),
          }),
        );
        expect(container.resources?.limits?.memory).toBeDefined();
      }
    }
  });

  it("keeps Node's heap within three quarters of the portal's memory limit", () => {
    const deployment = find(objects(), 'Deployment', 'pilothouse');
    const container = deployment.spec.template.spec.containers[0];
    const settings = container.envFrom
      .filter((source: any) => source.configMapRef)
      .map(
        (source: any) =>
          find(objects(), 'ConfigMap', source.configMapRef.name).data,
      )
      .reduce(
        (all: Record<string, string>, data: Record<string, string>) => ({
          ...all,
          ...data,
        }),
        {},
      );
    const heapMiB = Number(
      /--max-old-space-size=(\d+)/.exec(settings.NODE_OPTIONS ?? '')?.[1],
    );
    const limit = /^(\d+)(Mi|Gi)$/.exec(container.resources.limits.memory)!;
    const limitMiB = Number(limit[1]) * (limit[2] === 'Gi' ? 1024 : 1);
    expect(heapMiB).toBeGreaterThan(0);
    expect(heapMiB).toBeLessThanOrEqual(limitMiB * 0.75);
  });

  it("probes the portal on Backstage's health endpoints, with room for migrations at start", () => {
    const backend = find(objects(), 'Deployment', 'pilothouse').spec.template
      .spec.containers[0];
    expect(backend.readinessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    expect(backend.livenessProbe.httpGet.path).toBe(
      '/.backstage/health/v1/liveness',
    );
    expect(backend.startupProbe.httpGet.path).toBe(
      '/.backstage/health/v1/readiness',
    );
    const startupSeconds =
      backend.startupProbe.periodSeconds *
      backend.startupProbe.failureThreshold;
    expect(startupSeconds).toBeGreaterThanOrEqual(120);
    for (const pod of podSpecs(objects())) {
      for (const container of pod.spec.containers) {
        expect(container.readinessProbe).toBeDefined();
        expect(container.livenessProbe).toBeDefined();
      }
    }
  });

  it('gives the portal a writable /tmp (an emptyDir) and nothing else writable', () => {
    const spec = find(objects(), 'Deployment', 'pilothouse').spec.template.spec;
    const container = spec.containers[0];
    const writable = container.volumeMounts.filter((m: any) => !m.readOnly);
    expect(writable.map((m: any) => m.mountPath)).toEqual(['/tmp']);
    const tmp = spec.volumes.find((v: any) => v.name === writable[0].name);
    expect(tmp.emptyDir).toBeDefined();
  });

  it('mounts a service account token only into the portal, which reads the cluster, and grants it reading only', () => {
    for (const account of ofKind(objects(), 'ServiceAccount')) {
      expect(account.automountServiceAccountToken).toBe(false);
    }
    for (const pod of podSpecs(objects())) {
      const mounted = pod.spec.automountServiceAccountToken !== false;
      expect([pod.name, mounted]).toEqual([
        pod.name,
        pod.name === 'pilothouse',
      ]);
    }
    const verbs = ofKind(objects(), 'ClusterRole').flatMap(role =>
      role.rules.flatMap((rule: any) => rule.verbs),
    );
    expect(new Set(verbs)).toEqual(new Set(['get', 'list', 'watch']));
  });

  it('denies all traffic by default and lets only the sign-in proxy reach the portal', () => {
    const policies = ofKind(objects(), 'NetworkPolicy');
    const denyAll = policies.find(
      p =>
        Object.keys(p.spec.podSelector).length === 0 &&
        !p.spec.ingress &&
        !p.spec.egress,
    );
    expect(denyAll?.spec.policyTypes).toEqual(['Ingress', 'Egress']);

    const backendLabels = find(objects(), 'Deployment', 'pilothouse').spec
      .template.metadata.labels;
    const proxyLabels = find(objects(), 'Deployment', 'oauth2-proxy').spec
      .template.metadata.labels;
    const toBackend = policies.filter(
      p =>
        p.spec.ingress &&
        selects(p.spec.podSelector.matchLabels, backendLabels),
    );
    const peers = toBackend.flatMap(p =>
      p.spec.ingress.flatMap((rule: any) =>
        (rule.from ?? [{}]).map((peer: any) => ({
          peer,
          ports: rule.ports?.map((x: any) => x.port),
        })),
      ),
    );
    // The HTTP port only from the sign-in proxy's pods in this namespace.
    const http = peers.filter(p => !p.ports || p.ports.includes(7007));
    expect(http).toEqual([
      {
        peer: { podSelector: { matchLabels: expect.any(Object) } },
        ports: [7007],
      },
    ]);
    expect(selects(http[0].peer.podSelector.matchLabels, proxyLabels)).toBe(
      true,
    );
    expect(selects(http[0].peer.podSelector.matchLabels, backendLabels)).toBe(
      false,
    );

    // The sign-in proxy takes requests from the ingress controller only.
    const toProxy = policies.filter(
      p =>
        p.spec.ingress && selects(p.spec.podSelector.matchLabels, proxyLabels),
    );
    const proxyPeers = toProxy.flatMap(p =>
      p.spec.ingress.flatMap((rule: any) => rule.from ?? [{}]),
    );
    expect(proxyPeers).toEqual([
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
        },
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
        },
      },
    ]);
  });

  it('lets the portal reach DNS, PostgreSQL, Redis, the MCP servers, Prometheus and HTTPS, and nothing else', () => {
    const backendLabels = find(objects(), 'Deployment', 'pilothouse').spec
      .template.metadata.labels;
    const rules = ofKind(objects(), 'NetworkPolicy')
      .filter(
        p =>
          p.spec.egress &&
          selects(p.spec.podSelector.matchLabels, backendLabels),
      )
      .flatMap(p => p.spec.egress);
    const ports = rules.flatMap((rule: any) =>
      (rule.ports ?? [{ port: 'any' }]).map(
        (p: any) =>
          `${p.protocol ?? 'TCP'}/${p.port}${p.endPort ? `-${p.endPort}` : ''}`,
      ),
    );
    expect(new Set(ports)).toEqual(
      new Set([
        'UDP/53',
        'TCP/53',
        'TCP/5432',
        'TCP/6379',
        'TCP/18090-18092',
        'TCP/9090',
        'TCP/443',
        'TCP/6443',
      ]),
    );
  });

  it('keeps the portal available: a PodDisruptionBudget and an autoscaler on it', () => {
    const backendLabels = find(objects(), 'Deployment', 'pilothouse').spec
      .template.metadata.labels;
    const pdbs = ofKind(objects(), 'PodDisruptionBudget').filter(p =>
      selects(p.spec.selector.matchLabels, backendLabels),
    );
    expect(pdbs).toHaveLength(1);
    const hpa = find(objects(), 'HorizontalPodAutoscaler', 'pilothouse');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'pilothouse',
    });
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    // The autoscaler owns the count: a replicas field would fight it on every sync.
    expect(
      find(objects(), 'Deployment', 'pilothouse').spec.replicas,
    ).toBeUndefined();
  });

  it('gives the managed PostgreSQL and Redis stable names in the namespace', () => {
    for (const name of ['postgresql', 'redis']) {
      const service = find(objects(), 'Service', name);
      expect(service.spec.type).toBe('ExternalName');
      expect(service.spec.externalName).toMatch(/\./);
    }
  });
});

describe('production', () => {
  it('pins every image to a version, never latest', () => {
    const images = podSpecs(built.prod).flatMap(pod =>
      pod.spec.containers.map((c: any) => c.image as string),
    );
    for (const image of images) {
      const digest = image.includes('@sha256:');
      const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
      expect([
        image,
        digest || (tag !== undefined && tag !== 'latest'),
      ]).toEqual([image, true]);
    }
  });

  it('runs two or more of every pod', () => {
    const hpa = find(built.prod, 'HorizontalPodAutoscaler', 'pilothouse');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    for (const deployment of ofKind(built.prod, 'Deployment')) {
      if (deployment.metadata.name === hpa.spec.scaleTargetRef.name) continue;
      expect([deployment.metadata.name, deployment.spec.replicas]).toEqual([
        deployment.metadata.name,
        expect.any(Number),
      ]);
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    }
  });

  it('reads its secrets from the secret manager: no Secret object in Git', () => {
    for (const env of ['staging', 'prod'] as const) {
      expect(ofKind(built[env], 'Secret')).toEqual([]);
      expect(
        ofKind(built[env], 'ExternalSecret')
          .map(e => e.spec.target.name)
          .sort(),
      ).toEqual(['oauth2-proxy-secrets', 'pilothouse-secrets']);
    }
  });
});

describe('the dev overlay without its secret files', () => {
  it('does not build, and says which file is missing', async () => {
    const copy = copyWithoutSecrets();
    try {
      expect(
        fs.existsSync(path.join(copy, 'overlays', 'dev', 'secrets.env')),
      ).toBe(false);
      await expect(
        kustomizeBuild(kubectl, path.join(copy, 'overlays', 'dev')),
      ).rejects.toThrow(/secrets\.env/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
