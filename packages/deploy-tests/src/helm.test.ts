import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
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
  portalDeployment,
  proxyDeployment,
  schemaErrors,
} from './__testUtils__/checks';
import {
  chartDir,
  helmLint,
  helmTemplate,
  helmVersion,
  productionValues,
} from './__testUtils__/helm';
import { ensureHelm, ensureKubectl } from './__testUtils__/kubectl';
import type { KubeObject } from './__testUtils__/kustomize';
import { buildEnvironment, find, ofKind } from './__testUtils__/overlays';
import { kubernetesDir, repoRoot } from './__testUtils__/repoPaths';

const RENDERINGS = {
  'default values': [] as string[],
  'production-like values': [productionValues],
};
type Rendering = keyof typeof RENDERINGS;

/** The Secrets the chart refers to and never creates. */
const EXISTING_SECRETS = ['pilothouse-secrets', 'oauth2-proxy-secrets'];

let helm: string;
const rendered = {} as Record<Rendering, KubeObject[]>;
let kustomizeProd: KubeObject[];

beforeAll(async () => {
  helm = await ensureHelm(repoRoot);
  for (const [name, valuesFiles] of Object.entries(RENDERINGS)) {
    rendered[name as Rendering] = await helmTemplate(helm, { valuesFiles });
  }
  kustomizeProd = await buildEnvironment(await ensureKubectl(repoRoot), 'prod');
}, 120_000);

describe('Helm from the npm registry', () => {
  it('runs, version 4', async () => {
    expect(await helmVersion(helm)).toMatch(/^v4\./);
  });
});

describe('helm lint', () => {
  it.each(Object.entries(RENDERINGS))(
    'passes --strict with %s',
    async (_name, valuesFiles) => {
      await expect(helmLint(helm, valuesFiles)).resolves.toMatch(
        /1 chart\(s\) linted, 0 chart\(s\) failed/,
      );
    },
  );
});

// The same checks as every Kustomize overlay gets (manifests.test.ts).
describe.each(Object.keys(RENDERINGS) as Rendering[])(
  'the chart with %s',
  rendering => {
    const objects = () => rendered[rendering];

    it('renders objects that all fit their Kubernetes schema', () => {
      expect(objects().length).toBeGreaterThan(10);
      expect(schemaErrors(objects())).toEqual([]);
    });

    it("puts every namespaced object in the release's namespace, and creates no namespace", () => {
      expectAllInNamespace(objects(), 'pilothouse');
      expect(ofKind(objects(), 'Namespace')).toEqual([]);
    });

    it('refers only to objects it creates and the Secrets named in its values', () => {
      expectReferencesResolve(objects(), 'pilothouse', EXISTING_SECRETS);
    });

    it('renders no Secret: secrets are referenced by name only', () => {
      expect(ofKind(objects(), 'Secret')).toEqual([]);
    });

    it('names its cluster-wide objects after the namespace, so releases can share a cluster', () => {
      expectClusterWideNamesContain(objects(), 'pilothouse');
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

    it('mounts a service account token only into the portal and grants it reading only', () => {
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
      expectExternalServices(objects(), [
        'pilothouse-postgresql',
        'pilothouse-redis',
      ]);
      const env = find(objects(), 'ConfigMap', 'pilothouse-env').data;
      expect(env.POSTGRES_HOST).toBe('pilothouse-postgresql');
    });

    it('pins every image to a version, never latest', () => {
      expectPinnedImages(objects());
    });
  },
);

describe('the chart with production-like values', () => {
  const objects = () => rendered['production-like values'];

  it('runs two or more of every pod', () => {
    expectTwoOrMoreOfEveryPod(objects());
  });

  it('pins the portal to its digest', () => {
    expect(
      portalDeployment(objects()).spec.template.spec.containers[0].image,
    ).toBe(
      `registry.example.com/pilothouse/backend:0.1.0@sha256:${'0'.repeat(64)}`,
    );
  });

  it('points the Ingress at the sign-in proxy with TLS', () => {
    const ingress = find(objects(), 'Ingress', 'pilothouse');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([
      { hosts: ['pilothouse.example.com'], secretName: 'pilothouse-tls' },
    ]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(
      proxyDeployment(objects()).metadata.name,
    );
  });
});

describe('the chart and the Kustomize base', () => {
  const kinds = (objects: KubeObject[]) =>
    objects
      .map(o => o.kind)
      .filter(kind => !['Namespace', 'ExternalSecret'].includes(kind))
      .sort();

  it('make the same kinds of object, as many of each (the chart without Namespace and ExternalSecrets)', () => {
    expect(kinds(rendered['production-like values'])).toEqual(
      kinds(kustomizeProd),
    );
  });

  it('run the portal with the same command, ports and probes, and the sign-in proxy with the same settings', () => {
    const chart = rendered['production-like values'];
    const pick = (container: any) => ({
      args: container.args,
      ports: container.ports,
      startupProbe: container.startupProbe,
      readinessProbe: container.readinessProbe,
      livenessProbe: container.livenessProbe,
      securityContext: container.securityContext,
    });
    expect(
      pick(portalDeployment(chart).spec.template.spec.containers[0]),
    ).toEqual(
      pick(
        find(kustomizeProd, 'Deployment', 'pilothouse').spec.template.spec
          .containers[0],
      ),
    );
    const proxyEnv = (objects: KubeObject[]) =>
      proxyDeployment(objects).spec.template.spec.containers[0].env.filter(
        (e: any) => e.name !== 'OAUTH2_PROXY_UPSTREAMS',
      );
    expect(proxyEnv(chart)).toEqual(proxyEnv(kustomizeProd));
  });

  it("default to the base's config layer and settings", () => {
    const values = parseYaml(
      fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'),
    );
    const base = parseYaml(
      fs.readFileSync(
        path.join(kubernetesDir, 'base', 'app-config.kubernetes.yaml'),
        'utf8',
      ),
    );
    expect(values.appConfig).toEqual(base);
    const configMap = find(
      rendered['default values'],
      'ConfigMap',
      'pilothouse-app-config',
    );
    expect(parseYaml(configMap.data['app-config.kubernetes.yaml'])).toEqual(
      base,
    );
    // Kustomize appends a content hash to the name: find it from the pod.
    const envOf = (objects: KubeObject[]) =>
      find(
        objects,
        'ConfigMap',
        portalDeployment(objects).spec.template.spec.containers[0].envFrom[0]
          .configMapRef.name,
      ).data;
    expect(Object.keys(envOf(rendered['default values'])).sort()).toEqual(
      Object.keys(envOf(kustomizeProd)).sort(),
    );
  });
});

describe('the shared checks on the chart', () => {
  it('catch a rendering whose hardening was taken off after Helm (a post-renderer, a hand edit)', () => {
    const weakened: KubeObject[] = structuredClone(rendered['default values']);
    const container =
      portalDeployment(weakened).spec.template.spec.containers[0];
    container.securityContext.readOnlyRootFilesystem = false;
    container.volumeMounts.push({ name: 'data', mountPath: '/data' });
    expect(() => expectHardenedPods(weakened)).toThrow(
      /readOnlyRootFilesystem/,
    );
    expect(() => expectOnlyTmpWritable(weakened)).toThrow(/\/data/);
  });
});

describe('chart values', () => {
  it('name everything after another release and namespace', async () => {
    const objects = await helmTemplate(helm, {
      release: 'portal',
      namespace: 'team-a',
    });
    expect(portalDeployment(objects).metadata.name).toBe('portal-pilothouse');
    expectAllInNamespace(objects, 'team-a');
    expectReferencesResolve(objects, 'team-a', EXISTING_SECRETS);
    expectClusterWideNamesContain(objects, 'team-a');
    const upstream = proxyDeployment(
      objects,
    ).spec.template.spec.containers[0].env.find(
      (e: any) => e.name === 'OAUTH2_PROXY_UPSTREAMS',
    );
    expect(upstream.value).toBe('http://portal-pilothouse:80/');
  });

  it('run a fixed count without the autoscaler', async () => {
    const objects = await helmTemplate(helm, {
      set: ['autoscaling.enabled=false', 'replicas=4'],
    });
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(portalDeployment(objects).spec.replicas).toBe(4);
  });

  it('roll the pods when the config layer changes', async () => {
    const checksum = (objects: KubeObject[]) =>
      portalDeployment(objects).spec.template.metadata.annotations[
        'checksum/config'
      ];
    const changed = await helmTemplate(helm, {
      set: ['appConfig.app.title=Another portal'],
    });
    expect(checksum(changed)).not.toBe(checksum(rendered['default values']));
  });

  it.each([
    [['replicas=three'], /at '\/replicas': got string, want integer/],
    [['image.tag='], /at '\/image\/tag': minLength: got 0, want 1/],
    [['image.tag=latest'], /latest is not a version/],
    [['image.digest=abc'], /at '\/image\/digest'/],
    [
      ['env.POSTGRES_PASSWORD=hunter2'],
      /invalid propertyName 'POSTGRES_PASSWORD'/,
    ],
    [
      ['secrets.BACKEND_SECRET=x'],
      /additional properties 'secrets' not allowed/,
    ],
    [['existingSecret='], /at '\/existingSecret'/],
    [
      ['securityContext.readOnlyRootFilesystem=false'],
      /at '\/securityContext\/readOnlyRootFilesystem': value must be true/,
    ],
    [
      ['securityContext.capabilities.add={NET_ADMIN}'],
      /at '\/securityContext\/capabilities\/add'/,
    ],
    [
      ['podSecurityContext.runAsNonRoot=false'],
      /at '\/podSecurityContext\/runAsNonRoot'/,
    ],
    [
      ['oauth2Proxy.oidcIssuerURL=http://login.example.com'],
      /at '\/oauth2Proxy\/oidcIssuerURL'/,
    ],
  ])('refuse %j, saying what is wrong', async (set, message) => {
    await expect(helmTemplate(helm, { set })).rejects.toThrow(message);
  });
});
