import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { kubernetesDir, repoRoot } from './__testUtils__/repoPaths';

const execFileAsync = promisify(execFile);

const baseDir = path.join(kubernetesDir, 'base');
const configFiles = [
  path.join(repoRoot, 'app-config.yaml'),
  path.join(repoRoot, 'app-config.production.yaml'),
  path.join(baseDir, 'app-config.kubernetes.yaml'),
];

/** KEY=VALUE lines of an env file, as Kustomize reads them. */
function readEnvFile(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) entries.set(match[1], match[2]);
  }
  return entries;
}

/** The ${VARIABLES} a config file reads (without a default), in its values only. */
function variablesRead(file: string): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
        found.add(match[1]);
      }
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };
  walk(parseYaml(fs.readFileSync(file, 'utf8')));
  return [...found].sort();
}

const settings = readEnvFile(path.join(baseDir, 'pilothouse.env'));
const secretKeys = [
  ...readEnvFile(
    path.join(kubernetesDir, 'overlays', 'dev', 'secrets.env.example'),
  ).keys(),
];

describe("the cluster's configuration", () => {
  it('provides every variable the production config reads, from the ConfigMap or the Secret', () => {
    const provided = new Set([...settings.keys(), ...secretKeys]);
    const read = [...configFiles.slice(1)].flatMap(variablesRead);
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter(name => !provided.has(name))).toEqual([]);
  });

  it('keeps secrets out of the ConfigMap', () => {
    const secretLooking = [...settings.keys()].filter(key =>
      /SECRET|PASSWORD|TOKEN|_KEY$|CREDENTIAL/.test(key),
    );
    expect(secretLooking).toEqual([]);
    expect(secretKeys.filter(key => settings.has(key))).toEqual([]);
  });

  it('passes the strict config check with the image config files and its own layer', async () => {
    const cli = require.resolve('@backstage/cli/bin/backstage-cli');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(settings),
      ...Object.fromEntries(secretKeys.map(key => [key, 'placeholder'])),
    };
    const args = configFiles.flatMap(file => ['--config', file]);
    await expect(
      execFileAsync(
        process.execPath,
        [cli, 'config:check', '--strict', ...args],
        { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 },
      ).catch(error => {
        throw new Error(`config:check failed: ${error.stderr || error}`);
      }),
    ).resolves.toBeDefined();
  }, 180_000);
});
