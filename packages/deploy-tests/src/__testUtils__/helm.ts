import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseObjects, type KubeObject } from './kustomize';
import { repoRoot } from './repoPaths';

const execFileAsync = promisify(execFile);

/** deploy/helm/pilothouse in this checkout. */
export const chartDir = path.join(repoRoot, 'deploy', 'helm', 'pilothouse');

/** The production-like values file the chart ships for its tests. */
export const productionValues = path.join(
  chartDir,
  'ci',
  'production-values.yaml',
);

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: string[];
  /** `--set` pairs, e.g. `replicas=three`. */
  set?: string[];
}

async function runHelm(helm: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(helm, args, {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `helm ${args[0]} failed: ${
        [stderr, stdout].filter(Boolean).join('\n').trim() || error
      }`,
    );
  }
}

/**
 * Renders the chart as `helm install` would (`helm template`, with the
 * chart's values.schema.json enforced) and returns its objects; a refused
 * value throws with Helm's own message.
 */
export async function helmTemplate(
  helm: string,
  options: RenderOptions = {},
): Promise<KubeObject[]> {
  const args = [
    'template',
    options.release ?? 'pilothouse',
    chartDir,
    '--namespace',
    options.namespace ?? 'pilothouse',
    ...(options.valuesFiles ?? []).flatMap(file => ['--values', file]),
    ...(options.set ?? []).flatMap(pair => ['--set', pair]),
  ];
  return parseObjects(await runHelm(helm, args), 'helm template');
}

/** `helm lint --strict` on the chart; throws with its findings when it fails. */
export async function helmLint(
  helm: string,
  valuesFiles: string[] = [],
): Promise<string> {
  return runHelm(helm, [
    'lint',
    '--strict',
    chartDir,
    ...valuesFiles.flatMap(file => ['--values', file]),
  ]);
}

/** Helm's version, e.g. v4.1.4. */
export async function helmVersion(helm: string): Promise<string> {
  return (
    await runHelm(helm, ['version', '--template', '{{.Version}}'])
  ).trim();
}
