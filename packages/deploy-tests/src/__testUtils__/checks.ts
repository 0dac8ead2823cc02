/**
 * The checks run on every set of objects the portal can be deployed from:
 * each Kustomize overlay as built and the Helm chart as rendered. Each
 * function asserts with jest's `expect`, so a failure names what is wrong.
 */
import type { KubeObject } from './kustomize';
import { find, ofKind, selects } from './overlays';
import { validateObject } from './validateObject';

export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
]);

/** What a failed schema validation says, for each object that fails. */
export function schemaErrors(objects: KubeObject[]): string[] {
  return objects.flatMap(object => {
    try {
      validateObject(object);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}

/** Every Deployment's pod template. */
export function podSpecs(objects: KubeObject[]) {
  return ofKind(objects, 'Deployment').map(deployment => ({
    name: deployment.metadata.name as string,
    labels: deployment.spec.template.metadata.labels as Record<string, string>,
    spec: deployment.spec.template.spec,
  }));
}

function byComponent(objects: KubeObject[], component: string): KubeObject {
  const found = ofKind(objects, 'Deployment').filter(
    d => d.metadata.labels?.['app.kubernetes.io/component'] === component,
  );
  if (found.length !== 1) {
    throw new Error(
      `expected one Deployment with component ${component}, found ${found.length}`,
    );
  }
  return found[0];
}

/** The portal's Deployment (component backend). */
export function portalDeployment(objects: KubeObject[]): KubeObject {
  return byComponent(objects, 'backend');
}

/** The sign-in proxy's Deployment (component sign-in-proxy). */
export function proxyDeployment(objects: KubeObject[]): KubeObject {
  return byComponent(objects, 'sign-in-proxy');
}

/** Every namespaced object is in `namespace`. */
export function expectAllInNamespace(
  objects: KubeObject[],
  namespace: string,
): void {
  const outside = objects
    .filter(object => !CLUSTER_SCOPED.has(object.kind))
    .filter(object => object.metadata.namespace !== namespace)
    .map(object => `${object.kind} ${object.metadata.name}`);
  expect(outside).toEqual([]);
}

/**
 * Every reference resolves to an object in the set: ConfigMaps, Secrets
 * (or ExternalSecret targets, or `externalSecrets` made outside it),
 * ServiceAccounts, Service selectors and ports, the Ingress backend, the
 * autoscaler's and PDBs' targets, role bindings.
 */
export function expectReferencesResolve(
  objects: KubeObject[],
  namespace: string,
  externalSecrets: string[] = [],
): void {
  const configMaps = new Set(
    ofKind(objects, 'ConfigMap').map(o => o.metadata.name),
  );
  const secrets = new Set([
    ...externalSecrets,
    ...ofKind(objects, 'Secret').map(o => o.metadata.name),
    ...ofKind(objects, 'ExternalSecret').map(o => o.spec.target.name),
  ]);
  const serviceAccounts = new Set(
    ofKind(objects, 'ServiceAccount').map(o => o.metadata.name),
  );
  const missing: string[] = [];
  const pods = podSpecs(objects);
  for (const pod of pods) {
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
        if (source.configMapRef && !configMaps.has(source.configMapRef.name)) {
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
  for (const service of ofKind(objects, 'Service')) {
    if (service.spec.type === 'ExternalName') continue;
    const target = pods.find(pod => selects(service.spec.selector, pod.labels));
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
  for (const ingress of ofKind(objects, 'Ingress')) {
    for (const rule of ingress.spec.rules) {
      for (const p of rule.http.paths) {
        const service = objects.find(
          o =>
            o.kind === 'Service' && o.metadata.name === p.backend.service.name,
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
  for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
    find(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
  }
  for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
    if (!pods.some(pod => selects(pdb.spec.selector.matchLabels, pod.labels))) {
      missing.push(
        `PodDisruptionBudget ${pdb.metadata.name}: no pods selected`,
      );
    }
  }
  for (const binding of ofKind(objects, 'ClusterRoleBinding')) {
    find(objects, binding.roleRef.kind, binding.roleRef.name);
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
}

/** Cluster-wide objects carry `marker` (the environment) in their names. */
export function expectClusterWideNamesContain(
  objects: KubeObject[],
  marker: string,
): void {
  for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
    for (const object of ofKind(objects, kind)) {
      expect(object.metadata.name).toContain(marker);
    }
  }
}

/** Non-root, read-only root filesystem, no capabilities, seccomp RuntimeDefault, no host namespaces. */
export function expectHardenedPods(objects: KubeObject[]): void {
  const problems: string[] = [];
  for (const pod of podSpecs(objects)) {
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
}

/** CPU and memory requests and a memory limit on every container. */
export function expectResources(objects: KubeObject[]): void {
  for (const pod of podSpecs(objects)) {
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
}

/** NODE_OPTIONS' heap ceiling within three quarters of the portal's memory limit. */
export function expectHeapWithinLimit(objects: KubeObject[]): void {
  const container = portalDeployment(objects).spec.template.spec.containers[0];
  const settings = container.envFrom
    .filter((source: any) => source.configMapRef)
    .map(
      (source: any) =>
        find(objects, 'ConfigMap', source.configMapRef.name).data,
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
}

/** Probes on Backstage's health endpoints; the startup probe allows two minutes or more. */
export function expectHealthProbes(objects: KubeObject[]): void {
  const backend = portalDeployment(objects).spec.template.spec.containers[0];
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
    backend.startupProbe.periodSeconds * backend.startupProbe.failureThreshold;
  expect(startupSeconds).toBeGreaterThanOrEqual(120);
  for (const pod of podSpecs(objects)) {
    for (const container of pod.spec.containers) {
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
    }
  }
}

/** The portal's only writable path is /tmp, an emptyDir. */
export function expectOnlyTmpWritable(objects: KubeObject[]): void {
  const spec = portalDeployment(objects).spec.template.spec;
  const container = spec.containers[0];
  const writable = container.volumeMounts.filter((m: any) => !m.readOnly);
  expect(writable.map((m: any) => m.mountPath)).toEqual(['/tmp']);
  const tmp = spec.volumes.find((v: any) => v.name === writable[0].name);
  expect(tmp.emptyDir).toBeDefined();
}

/** A token mounted only into the portal's pods, and RBAC that only reads. */
export function expectReadOnlyServiceAccount(objects: KubeObject[]): void {
  for (const account of ofKind(objects, 'ServiceAccount')) {
    expect(account.automountServiceAccountToken).toBe(false);
  }
  const portal = portalDeployment(objects).metadata.name;
  for (const pod of podSpecs(objects)) {
    const mounted = pod.spec.automountServiceAccountToken !== false;
    expect([pod.name, mounted]).toEqual([pod.name, pod.name === portal]);
  }
  const verbs = ofKind(objects, 'ClusterRole').flatMap(role =>
    role.rules.flatMap((rule: any) => rule.verbs),
  );
  expect(new Set(verbs)).toEqual(new Set(['get', 'list', 'watch']));
}

/** Default deny; the portal's HTTP port only from the sign-in proxy, the proxy only from ingress-nginx. */
export function expectIngressTraffic(objects: KubeObject[]): void {
  const policies = ofKind(objects, 'NetworkPolicy');
  const denyAll = policies.find(
    p =>
      Object.keys(p.spec.podSelector).length === 0 &&
      !p.spec.ingress &&
      !p.spec.egress,
  );
  expect(denyAll?.spec.policyTypes).toEqual(['Ingress', 'Egress']);

  const backendLabels = portalDeployment(objects).spec.template.metadata.labels;
  const proxyLabels = proxyDeployment(objects).spec.template.metadata.labels;
  const toBackend = policies.filter(
    p =>
      p.spec.ingress && selects(p.spec.podSelector.matchLabels, backendLabels),
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
  expect(selects(http[0].peer.podSelector.matchLabels, proxyLabels)).toBe(true);
  expect(selects(http[0].peer.podSelector.matchLabels, backendLabels)).toBe(
    false,
  );

  // The sign-in proxy takes requests from the ingress controller only.
  const toProxy = policies.filter(
    p => p.spec.ingress && selects(p.spec.podSelector.matchLabels, proxyLabels),
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
}

/** The portal reaches DNS, PostgreSQL, Redis, the MCP servers, Prometheus and HTTPS only. */
export function expectPortalEgress(objects: KubeObject[]): void {
  const backendLabels = portalDeployment(objects).spec.template.metadata.labels;
  const rules = ofKind(objects, 'NetworkPolicy')
    .filter(
      p =>
        p.spec.egress && selects(p.spec.podSelector.matchLabels, backendLabels),
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
}

/** One PDB and an autoscaler on the portal, which owns its count (no replicas field). */
export function expectAvailability(objects: KubeObject[]): void {
  const portal = portalDeployment(objects);
  const backendLabels = portal.spec.template.metadata.labels;
  const pdbs = ofKind(objects, 'PodDisruptionBudget').filter(p =>
    selects(p.spec.selector.matchLabels, backendLabels),
  );
  expect(pdbs).toHaveLength(1);
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
    h => h.spec.scaleTargetRef.name === portal.metadata.name,
  );
  expect(hpa?.spec.scaleTargetRef).toEqual({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: portal.metadata.name,
  });
  expect(hpa!.spec.maxReplicas).toBeGreaterThan(hpa!.spec.minReplicas);
  // The autoscaler owns the count: a replicas field would fight it on every sync.
  expect(portal.spec.replicas).toBeUndefined();
}

/** ExternalName Services naming the managed PostgreSQL and Redis. */
export function expectExternalServices(
  objects: KubeObject[],
  names: string[],
): void {
  for (const name of names) {
    const service = find(objects, 'Service', name);
    expect(service.spec.type).toBe('ExternalName');
    expect(service.spec.externalName).toMatch(/\./);
  }
}

/** Every image pinned to a version or a digest, never latest. */
export function expectPinnedImages(objects: KubeObject[]): void {
  const images = podSpecs(objects).flatMap(pod =>
    pod.spec.containers.map((c: any) => c.image as string),
  );
  for (const image of images) {
    const digest = image.includes('@sha256:');
    const tag = image
      .slice(image.lastIndexOf('/') + 1)
      .split('@')[0]
      .split(':')[1];
    expect([image, digest || (tag !== undefined && tag !== 'latest')]).toEqual([
      image,
      true,
    ]);
  }
}

/** Two or more of every pod: the autoscaler's minimum, every other Deployment's replicas. */
export function expectTwoOrMoreOfEveryPod(objects: KubeObject[]): void {
  const portal = portalDeployment(objects).metadata.name;
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
    h => h.spec.scaleTargetRef.name === portal,
  );
  expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
  for (const deployment of ofKind(objects, 'Deployment')) {
    if (deployment.metadata.name === portal) continue;
    expect([deployment.metadata.name, deployment.spec.replicas]).toEqual([
      deployment.metadata.name,
      expect.any(Number),
    ]);
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
  }
}
