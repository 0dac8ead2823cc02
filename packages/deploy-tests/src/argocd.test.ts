import fs from 'node:fs';
import path from 'node:path';
import { ensureKubectl } from './__testUtils__/kubectl';
import { kustomizeBuild, type KubeObject } from './__testUtils__/kustomize';
import {
  buildEnvironment,
  ENVIRONMENTS,
  NAMESPACES,
  ofKind,
} from './__testUtils__/overlays';
import { kubernetesDir, repoRoot } from './__testUtils__/repoPaths';
import { validateObject } from './__testUtils__/validateObject';

let kubectl: string;
let argocd: KubeObject[];

beforeAll(async () => {
  kubectl = await ensureKubectl(repoRoot);
  argocd = await kustomizeBuild(kubectl, path.join(kubernetesDir, 'argocd'));
}, 60_000);

const applications = () => ofKind(argocd, 'Application');
const project = () => ofKind(argocd, 'AppProject')[0];

describe('the Argo CD Applications', () => {
  it('fit the Application and AppProject schemas', () => {
    expect(applications().length).toBeGreaterThan(0);
    expect(ofKind(argocd, 'AppProject')).toHaveLength(1);
    for (const object of argocd) {
      expect(() => validateObject(object)).not.toThrow();
    }
  });

  it('deploy the staging and prod overlays, from Git alone, into their namespaces', async () => {
    const deployed = applications()
      .map(app => app.spec.source.path)
      .sort();
    expect(deployed).toEqual([
      'deploy/kubernetes/overlays/prod',
      'deploy/kubernetes/overlays/staging',
    ]);
    for (const app of applications()) {
      const env = path.basename(app.spec.source.path) as 'staging' | 'prod';
      expect(app.spec.destination.namespace).toBe(NAMESPACES[env]);
      expect(app.spec.project).toBe(project().metadata.name);
      // Argo CD sees only what Git holds: no file the overlay reads may be git-ignored.
      const overlay = path.join(repoRoot, app.spec.source.path);
      expect(fs.existsSync(path.join(overlay, 'kustomization.yaml'))).toBe(
        true,
      );
      await expect(kustomizeBuild(kubectl, overlay)).resolves.not.toHaveLength(
        0,
      );
    }
  });

  it('are allowed by their project: the repository, the destination and every kind the overlay creates', async () => {
    const spec = project().spec;
    const clusterKinds = new Set(
      spec.clusterResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`),
    );
    const namespacedKinds = new Set(
      spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`),
    );
    for (const app of applications()) {
      expect(spec.sourceRepos).toContain(app.spec.source.repoURL);
      expect(spec.destinations).toContainEqual({
        server: app.spec.destination.server,
        namespace: app.spec.destination.namespace,
      });
      const env = path.basename(
        app.spec.source.path,
      ) as (typeof ENVIRONMENTS)[number];
      const objects = await buildEnvironment(kubectl, env);
      const refused = objects
        .map(object => {
          const group = object.apiVersion.includes('/')
            ? object.apiVersion.split('/')[0]
            : '';
          const kind = `${group}/${object.kind}`;
          const clusterScoped = object.metadata.namespace === undefined;
          return (clusterScoped ? clusterKinds : namespacedKinds).has(kind)
            ? undefined
            : `${kind} ${object.metadata.name}`;
        })
        .filter(Boolean);
      expect(refused).toEqual([]);
    }
  });

  it('heal drift everywhere, and prune production only when a person syncs', () => {
    for (const app of applications()) {
      expect(app.spec.syncPolicy.automated.selfHeal).toBe(true);
      const prod = app.spec.source.path.endsWith('/prod');
      expect(app.spec.syncPolicy.automated.prune).toBe(!prod);
    }
  });
});
