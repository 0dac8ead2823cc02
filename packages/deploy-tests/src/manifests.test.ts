import {
  expectAllInNamespace,
  expectAvailability,
  expectClusterWideNamesContain,
  expectExternalServices,
  expectHardenedPods,
  expectHealthProbes,
  expectHeapWithinLimit,
  expectIngressTraffic,
  expectOnlyTmpWritable,
  expectPinnedImages,
  expectPortalEgress,
  expectReadOnlyServiceAccount,
  expectReferencesResolve,
  expectResources,
  expectTwoOrMoreOfEveryPod,
  schemaErrors,
} from './__testUtils__/checks';
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
} from './__testUtils__/overlays';
import { kustomizeBuild } from './__testUtils__/kustomize';
import { repoRoot } from './__testUtils__/repoPaths';
import { validateObject } from './__testUtils__/validateObject';
import fs from 'node:fs';
import path from 'node:path';

let kubectl: string;
const built = {} as Record<Environment, KubeObject[]>;

beforeAll(async () => {
  kubectl = await ensureKubectl(repoRoot);
  for (const env of ENVIRONMENTS) {
    built[env] = await buildEnvironment(kubectl, env);
  }
}, 120_000);

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

// The hardening checks are shared with the Helm chart's tests (helm.test.ts).
describe.each(ENVIRONMENTS)('the %s overlay', env => {
  const objects = () => built[env];
  const namespace = NAMESPACES[env];

  it('builds objects that all fit their Kubernetes, Argo CD or External Secrets schema', () => {
    expect(objects().length).toBeGreaterThan(10);
    expect(schemaErrors(objects())).toEqual([]);
  });

  it('puts every namespaced object in its own namespace, which enforces PodSecurity restricted', () => {
    expectAllInNamespace(objects(), namespace);
    const ns = find(objects(), 'Namespace', namespace);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
  });

  it('refers only to objects it creates', () => {
    expectReferencesResolve(objects(), namespace);
  });

  it('names its cluster-wide objects after the environment, so environments can share a cluster', () => {
    expectClusterWideNamesContain(objects(), env);
  });

  it('runs every pod non-root, read-only, without capabilities, under seccomp RuntimeDefault', () => {
    expectHardenedPods(objects());
  });

  it('gives every container CPU and memory requests and a memory limit', () => {
    expectResources(objects());
  });

  it("keeps Node's heap within three quarters of the portal's memory limit", () => {
    expectHeapWithinLimit(objects());
  });

  it("probes the portal on Backstage's health endpoints, with room for migrations at start", () => {
    expectHealthProbes(objects());
  });

  it('gives the portal a writable /tmp (an emptyDir) and nothing else writable', () => {
    expectOnlyTmpWritable(objects());
  });

  it('mounts a service account token only into the portal, which reads the cluster, and grants it reading only', () => {
    expectReadOnlyServiceAccount(objects());
  });

  it('denies all traffic by default and lets only the sign-in proxy reach the portal', () => {
    expectIngressTraffic(objects());
  });

  it('lets the portal reach DNS, PostgreSQL, Redis, the MCP servers, Prometheus and HTTPS, and nothing else', () => {
    expectPortalEgress(objects());
  });

  it('keeps the portal available: a PodDisruptionBudget and an autoscaler on it', () => {
    expectAvailability(objects());
  });

  it('gives the managed PostgreSQL and Redis stable names in the namespace', () => {
    expectExternalServices(objects(), ['postgresql', 'redis']);
  });
});

describe('production', () => {
  it('pins every image to a version, never latest', () => {
    expectPinnedImages(built.prod);
  });

  it('runs two or more of every pod', () => {
    expectTwoOrMoreOfEveryPod(built.prod);
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
