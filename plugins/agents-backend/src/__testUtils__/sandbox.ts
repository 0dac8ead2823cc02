import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { RunningSandbox, startSandbox } from '@pilothouse/sandbox';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(
  resolvePackagePath('@pilothouse/plugin-agents-backend'),
  '../..',
);

/** The sandbox cluster seeded from catalog/sandbox.yaml, in this process, on its own data. */
export async function startSeededSandbox(): Promise<
  RunningSandbox & { kubeconfigPath: string; dataDir: string }
> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agents-backend-'));
  const sandbox = await startSandbox({
    port: 0,
    dataDir,
    seedFile: path.join(repoRoot, 'catalog/sandbox.yaml'),
  });
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
