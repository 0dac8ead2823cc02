import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { RunningSandbox, startSandbox } from '@pilothouse/sandbox';
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(
  resolvePackagePath('@pilothouse/plugin-agents-backend'),
  '../..',
);

/** The sandbox cluster (catalog/sandbox.yaml with the fixtures' agents), in this process, on its own data. */
export async function startSeededSandbox(
  options: { repositoryAgents?: boolean } = {},
): Promise<
  RunningSandbox & { kubeconfigPath: string; dataDir: string }
> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agents-backend-'));
  // The repository's cluster, with the test fixtures' agents deployed in it
  // instead of the repository's own (src/__fixtures__/sandbox.yaml).
  const seed = parse(
    fs.readFileSync(path.join(repoRoot, 'catalog/sandbox.yaml'), 'utf8'),
  );
  if (!options.repositoryAgents) seed.kubernetes.objects = parse(
    fs.readFileSync(
      path.join(repoRoot, 'plugins/agents-backend/src/__fixtures__/sandbox.yaml'),
      'utf8',
    ),
  ).kubernetes.objects;
  const seedFile = path.join(dataDir, 'seed.yaml');
  fs.writeFileSync(seedFile, stringify(seed));
  const sandbox = await startSandbox({ port: 0, dataDir, seedFile });
  return {
    ...sandbox,
    dataDir,
    kubeconfigPath: sandbox.kubeconfigPath!,
    async close() {
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
