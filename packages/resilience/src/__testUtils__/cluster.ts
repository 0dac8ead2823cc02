import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { sandboxKubeconfig, startSandbox } from '@pilothouse/sandbox';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(
  resolvePackagePath('@pilothouse/resilience'),
  '../..',
);

/**
 * The sandbox's Kubernetes API behind a TCP relay that a test can make
 * hang (connections accepted, never answered), so an MCP call can be caught
 * in flight. `kubeconfigPath` points at the relay.
 */
export interface TestCluster {
  kubeconfigPath: string;
  /**
   * While true, API connections hang instead of reaching the sandbox
   * (open ones are cut when it is switched on, so none is reused).
   */
  setStalled(stalled: boolean): void;
  /** How many connections are hanging now: calls caught in flight. */
  stalledConnections(): number;
  /** A deployment's replica count, read from the sandbox's API. */
  replicas(namespace: string, name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startCluster(): Promise<TestCluster> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'resilience-k8s-'));
  const sandbox = await startSandbox({
    port: 0,
    dataDir,
    seedFile: path.join(repoRoot, 'catalog/sandbox.yaml'),
  });
  const upstream = new URL(sandbox.url);
  let stalled = false;
  const sockets = new Set<net.Socket>();
  const hanging = new Set<net.Socket>();
  const relay = net.createServer(client => {
    sockets.add(client);
    client.on('close', () => {
      sockets.delete(client);
      hanging.delete(client);
    });
    client.on('error', () => client.destroy());
    if (stalled) {
      hanging.add(client);
      return;
    }
    const server = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(server);
    server.on('close', () => sockets.delete(server));
    server.on('error', () => client.destroy());
    client.pipe(server).pipe(client);
  });
  await new Promise<void>(resolve => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as net.AddressInfo;
  const kubeconfigPath = path.join(dataDir, 'relay-kubeconfig.yaml');
  fs.writeFileSync(
    kubeconfigPath,
    sandboxKubeconfig(`http://127.0.0.1:${port}`),
  );

  return {
    kubeconfigPath,
    setStalled(value) {
      stalled = value;
      if (value) {
        sockets.forEach(socket => socket.destroy());
      }
    },
    stalledConnections: () => hanging.size,
    async replicas(namespace, name) {
      const res = await fetch(
        `${sandbox.url}/apis/apps/v1/namespaces/${namespace}/deployments/${name}/scale`,
      );
      if (!res.ok) {
        throw new Error(`sandbox answered ${res.status} for ${name}`);
      }
      const scale = (await res.json()) as { spec?: { replicas?: number } };
      return scale.spec?.replicas ?? 0;
    },
    async close() {
      sockets.forEach(socket => socket.destroy());
      await new Promise(resolve => relay.close(resolve));
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
