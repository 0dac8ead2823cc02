import fs from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { SandboxContext } from './context';
import { BEHAVIOUR_ANNOTATION } from './controller/pods';
import { seedCicd } from './cicd/seed';
import { awsSeedSchema, seedAws } from './aws/seed';
import { metricsSeedSchema } from './metrics/model';
import { RESOURCE_TYPES } from './resources/registry';
import { KubeObject } from './store';

const labelsSchema = z.record(z.string(), z.string());

const workloadSchema = z.object({
  component: z.string(),
  namespace: z.string(),
  deployment: z.string(),
  replicas: z.number().int().min(0),
  image: z.string(),
  port: z.number().int().positive().default(8080),
  labels: labelsSchema.default({}),
  behaviour: z.enum(['CrashLoopBackOff', 'Unschedulable']).optional(),
  resources: z
    .object({
      requests: labelsSchema.optional(),
      limits: labelsSchema.optional(),
    })
    .optional(),
});

const applicationSchema = z.object({
  name: z.string(),
  project: z.string(),
  namespace: z.string(),
  /** GitHub owner/name: the component's github.com/project-slug. */
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  health: z
    .enum(['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing'])
    .default('Healthy'),
  sync: z.enum(['Synced', 'OutOfSync']).default('Synced'),
  rollout: z.boolean().default(false),
});

/** An object stored as written, for state the seed's shorthand cannot say (agent namespaces). */
const objectSchema = z
  .looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.looseObject({
      name: z.string(),
      namespace: z.string().optional(),
      labels: labelsSchema.optional(),
      annotations: labelsSchema.optional(),
    }),
  })
  .superRefine((obj, ctx) => {
    const type = RESOURCE_TYPES.find(
      t =>
        t.kind === obj.kind &&
        (t.group ? `${t.group}/${t.version}` : t.version) === obj.apiVersion,
    );
    if (!type) {
      ctx.addIssue({
        code: 'custom',
        message: `${obj.apiVersion} ${obj.kind} is not served by the sandbox`,
      });
    } else if (type.namespaced !== Boolean(obj.metadata.namespace)) {
      ctx.addIssue({
        code: 'custom',
        message: `${obj.kind} ${obj.metadata.name} ${
          type.namespaced ? 'needs' : 'takes no'
        } metadata.namespace`,
      });
    }
  });

export const seedSchema = z.object({
  kubernetes: z.object({
    namespaces: z.array(
      z.object({ name: z.string(), labels: labelsSchema.default({}) }),
    ),
    workloads: z.array(workloadSchema),
    /** Objects created as written, after the namespaces and workloads. */
    objects: z.array(objectSchema).default([]),
  }),
  argocd: z
    .object({ applications: z.array(applicationSchema) })
    .default({ applications: [] }),
  /** The stand-in AWS account; without it the AWS endpoint refuses every call. */
  aws: awsSeedSchema.optional(),
  /** Request metrics served at /metrics (and written as history for Prometheus). */
  metrics: metricsSeedSchema.optional(),
});

export type SandboxSeed = z.infer<typeof seedSchema>;
export type SeedWorkload = z.infer<typeof workloadSchema>;
export type SeedApplication = z.infer<typeof applicationSchema>;

/** Reads and validates the seed file (catalog/sandbox.yaml). */
export function readSeedFile(file: string): SandboxSeed {
  const parsed = seedSchema.safeParse(parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `Invalid sandbox seed ${file}: ${parsed.error.issues
        .map(i => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Creates the seeded cluster: per namespace a default service account, a
 * default-deny network policy and a quota (the shape every Pilothouse
 * namespace has), and per workload its deployment, service, service account,
 * role and role binding.
 */
export function applySeed(ctx: SandboxContext, seed: SandboxSeed): void {
  const { store } = ctx;
  const namespaces = new Set([
    'default',
    'kube-system',
    ...seed.kubernetes.namespaces.map(n => n.name),
    ...seed.kubernetes.workloads.map(w => w.namespace),
  ]);
  for (const name of namespaces) {
    const labels =
      seed.kubernetes.namespaces.find(n => n.name === name)?.labels ?? {};
    store.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: {
          'kubernetes.io/metadata.name': name,
          ...(name.startsWith('kube-')
            ? {}
            : { 'pod-security.kubernetes.io/enforce': 'restricted' }),
          ...labels,
        },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    store.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: name },
    });
    if (name === 'default' || name === 'kube-system') {
      continue;
    }
    store.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: name },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    store.create({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'compute', namespace: name },
      spec: {
        hard: { 'requests.cpu': '8', 'requests.memory': '16Gi', pods: '30' },
      },
      status: {
        hard: { 'requests.cpu': '8', 'requests.memory': '16Gi', pods: '30' },
        used: { 'requests.cpu': '0', 'requests.memory': '0', pods: '0' },
      },
    });
  }
  for (const workload of seed.kubernetes.workloads) {
    createWorkload(ctx, workload);
  }
  seedObjects(ctx, seed);
  for (const app of seed.argocd.applications) {
    seedCicd(store, app);
  }
  if (seed.aws) {
    seedAws(store, seed.aws);
  }
}

/**
 * Creates the seed's literal objects that are not there yet (so a data
 * directory written before they were seeded gets them on the next start).
 * Namespaces get the label the API server gives every namespace.
 */
export function seedObjects(
  ctx: SandboxContext,
  seed: SandboxSeed,
  { skipMissingNamespaces = false } = {},
): number {
  let created = 0;
  for (const raw of seed.kubernetes.objects) {
    const obj = structuredClone(raw) as KubeObject;
    if (ctx.store.get(obj.kind, obj.metadata.namespace, obj.metadata.name)) {
      continue;
    }
    if (
      obj.metadata.namespace &&
      !ctx.store.get('Namespace', undefined, obj.metadata.namespace)
    ) {
      if (skipMissingNamespaces) continue;
      throw new Error(
        `Invalid sandbox seed: ${obj.kind} ${obj.metadata.name} is in namespace ${obj.metadata.namespace}, which the seed does not create (list the Namespace first)`,
      );
    }
    if (obj.kind === 'Namespace') {
      obj.metadata.labels = {
        'kubernetes.io/metadata.name': obj.metadata.name,
        ...obj.metadata.labels,
      };
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
    }
    ctx.store.create(obj);
    created += 1;
  }
  return created;
}

function createWorkload(ctx: SandboxContext, w: SeedWorkload) {
  const { store } = ctx;
  const labels = {
    'backstage.io/kubernetes-id': w.deployment,
    ...w.labels,
  };
  const selector = { 'backstage.io/kubernetes-id': w.deployment };
  const ns = w.namespace;
  store.create({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: w.deployment, namespace: ns, labels },
  });
  store.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: w.deployment, namespace: ns, labels },
    rules: [
      {
        apiGroups: [''],
        resources: ['configmaps', 'secrets'],
        resourceNames: [w.deployment],
        verbs: ['get'],
      },
    ],
  });
  store.create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: w.deployment, namespace: ns, labels },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: w.deployment,
    },
    subjects: [{ kind: 'ServiceAccount', name: w.deployment, namespace: ns }],
  });
  store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: w.deployment, namespace: ns, labels },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port: 80, targetPort: w.port, protocol: 'TCP' }],
    },
  });
  const deployment = store.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: w.deployment,
      namespace: ns,
      generation: 1,
      labels,
      annotations: {
        'pilothouse.dev/component': w.component,
        ...(w.behaviour ? { [BEHAVIOUR_ANNOTATION]: w.behaviour } : {}),
      },
    },
    spec: {
      replicas: w.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selector },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: w.deployment,
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'app',
              image: w.image,
              ports: [{ name: 'http', containerPort: w.port, protocol: 'TCP' }],
              ...(w.resources ? { resources: w.resources } : {}),
              readinessProbe: {
                httpGet: { path: '/readyz', port: w.port },
                periodSeconds: 10,
              },
              livenessProbe: {
                httpGet: { path: '/healthz', port: w.port },
                periodSeconds: 10,
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
    status: {},
  });
  ctx.controller.reconcile(deployment);
}
