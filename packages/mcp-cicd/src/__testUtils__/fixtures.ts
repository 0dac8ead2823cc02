import { startSandbox } from '@pilothouse/sandbox';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CicdEndpoints, createCicdClients } from '../clients';

export const packageDir = path.resolve(__dirname, '../..');
const seedFile = path.resolve(packageDir, '../../catalog/sandbox.yaml');

/** A fresh sandbox in a temporary directory, with the mcp-cicd endpoints pointing at it. */
export async function startTestSandbox() {
  const dataDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'pilothouse-mcp-cicd-'),
  );
  const sandbox = await startSandbox({ port: 0, dataDir, seedFile });
  const endpoints: CicdEndpoints = {
    argocdUrl: `${sandbox.url}/argocd`,
    rolloutsUrl: `${sandbox.url}/argo-rollouts`,
    githubApiUrl: `${sandbox.url}/github`,
  };
  return {
    url: sandbox.url,
    endpoints,
    clients: () => createCicdClients(endpoints),
    async close() {
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Tool names as the README's "Tools" table lists them. */
export function readmeToolNames(): string[] {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  const section = readme.split('## Tools')[1].split('\n## ')[0];
  return [...section.matchAll(/^\| `([a-z_]+)`/gm)].map(m => m[1]);
}

export const READ_ONLY_TOOLS = [
  'list_applications',
  'get_application',
  'rollout_status',
  'list_workflow_runs',
];

export function textOf(
  result: Awaited<ReturnType<Client['callTool']>>,
): string {
  return (result.content as Array<{ type: string; text?: string }>)
    .map(c => c.text ?? '')
    .join('\n');
}

export function newClient() {
  return new Client({ name: 'pilothouse-test', version: '0.0.0' });
}

/** argv that runs this server's TypeScript entry point directly with node. */
export function serverCommand(args: string[]): {
  command: string;
  args: string[];
} {
  return {
    command: process.execPath,
    args: [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      path.join(packageDir, 'src/index.ts'),
      ...args,
    ],
  };
}
