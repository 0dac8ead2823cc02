import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kustomizeBuild, type KubeObject } from './kustomize';
import { kubernetesDir } from './repoPaths';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The namespace each overlay deploys to. */
export const NAMESPACES: Record<Environment, string> = {
  dev: 'pilothouse-dev',
  staging: 'pilothouse-staging',
  prod: 'pilothouse',
};

/** The git-ignored env files the dev overlay generates its Secrets from. */
export const DEV_SECRET_FILES = ['secrets.env', 'oauth2-proxy-secrets.env'];

/**
 * Builds an overlay as its users do. The dev overlay reads git-ignored
 * secret files, so it is built in a copy of deploy/kubernetes where they
 * are filled in from their committed `.example` files (placeholder values);
 * the checkout is left as it is.
 */
export async function buildEnvironment(
  kubectl: string,
  env: Environment,
): Promise<KubeObject[]> {
  if (env !== 'dev') {
    return kustomizeBuild(kubectl, path.join(kubernetesDir, 'overlays', env));
  }
  const copy = copyWithoutSecrets();
  try {
    const overlay = path.join(copy, 'overlays', 'dev');
    for (const file of DEV_SECRET_FILES) {
      const example = fs.readFileSync(
        path.join(overlay, `${file}.example`),
        'utf8',
      );
      fs.writeFileSync(
        path.join(overlay, file),
        example.replace(/^([A-Z0-9_]+)=$/gm, '$1=placeholder'),
      );
    }
    return await kustomizeBuild(kubectl, overlay);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** deploy/kubernetes copied to a temporary folder, without filled-in secret files. */
export function copyWithoutSecrets(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-deploy-'));
  fs.cpSync(kubernetesDir, copy, {
    recursive: true,
    filter: source => !DEV_SECRET_FILES.includes(path.basename(source)),
  });
  return copy;
}

/** The objects of one kind. */
export function ofKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter(object => object.kind === kind);
}

/** The one object of a kind and name; throws when it is not there. */
export function find(
  objects: KubeObject[],
  kind: string,
  name: string,
): KubeObject {
  const found = objects.find(
    object => object.kind === kind && object.metadata.name === name,
  );
  if (!found) {
    throw new Error(`no ${kind} ${name} in the built overlay`);
  }
  return found;
}

/** Whether a label selector (matchLabels) selects these labels. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) {
    return true;
  }
  return Object.entries(selector).every(
    ([key, value]) => labels?.[key] === value,
  );
}
