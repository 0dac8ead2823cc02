import express, { NextFunction, Request, Response } from 'express';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { createAwsRouter } from './aws/router';
import { awsAccount } from './aws/model';
import { seedAws } from './aws/seed';
import { createArgoCdRouter } from './cicd/argocd';
import { APPLICATION_KIND } from './cicd/model';
import { seedCicd } from './cicd/seed';
import { createGitHubRouter } from './cicd/github';
import { createRolloutsRouter } from './cicd/rollouts';
import { SandboxContext } from './context';
import { WorkloadController } from './controller/deployments';
import { EventRecorder } from './controller/events';
import { exposition, openServiceMetrics } from './metrics';
import { createCollectionRouter } from './resources/collections';
import { createDeploymentsRouter } from './resources/deployments';
import { createDiscoveryRouter } from './resources/discovery';
import { createPodLogsRouter } from './resources/podLogs';
import { RESOURCE_TYPES } from './resources/registry';
import { applySeed, readSeedFile, seedObjects } from './seed';
import { sendStatus } from './status';
import { ClusterStore } from './store';

export interface SandboxOptions {
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1: the sandbox has no authentication. */
  host?: string;
  /** Where state is persisted; omit for a purely in-memory sandbox. */
  dataDir?: string;
  /** Seed used when dataDir holds no state yet. Default: catalog/sandbox.yaml found from the working directory upwards. */
  seedFile?: string;
  /** How often misbehaving pods restart and warn again, in ms. Default 30 s. */
  tickIntervalMs?: number;
}

export interface RunningSandbox {
  /** Base URL of the Kubernetes API, e.g. http://127.0.0.1:18080 */
  url: string;
  /** Path of a kubeconfig pointing at this sandbox, when a dataDir is used. */
  kubeconfigPath?: string;
  close(): Promise<void>;
}

/** Finds catalog/sandbox.yaml in the working directory or one of its parents. */
export function findDefaultSeedFile(from = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'catalog', 'sandbox.yaml');
    if (fs.existsSync(candidate)) {
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `No catalog/sandbox.yaml found in ${from} or its parents; pass a seed file`,
      );
    }
    dir = parent;
  }
}

/**
 * A kubeconfig for the sandbox; it has no credentials because the sandbox
 * needs none. `insecure-skip-tls-verify` is set because the sandbox speaks
 * plain HTTP on loopback, which @kubernetes/client-node only accepts with it.
 */
export function sandboxKubeconfig(url: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'pilothouse-sandbox',
        cluster: { server: url, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: 'pilothouse-sandbox', user: {} }],
    contexts: [
      {
        name: 'pilothouse-sandbox',
        context: { cluster: 'pilothouse-sandbox', user: 'pilothouse-sandbox' },
      },
    ],
    'current-context': 'pilothouse-sandbox',
  });
}

export function createSandboxApp(ctx: SandboxContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    express.json({
      type: ['application/json', 'application/*+json'],
      limit: '2mb',
    }),
  );
  app.use(createDiscoveryRouter());
  app.get(['/healthz', '/readyz', '/livez'], (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/metrics', (_req, res) => {
    if (!ctx.metrics) {
      sendStatus(res, 404, 'the sandbox seed has no metrics section');
      return;
    }
    res
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(exposition(ctx.metrics, Date.now() / 1000));
  });
  app.use(createArgoCdRouter(ctx));
  app.use(createRolloutsRouter(ctx));
  app.use(createGitHubRouter(ctx));
  app.use(createAwsRouter(ctx));
  app.use(createDeploymentsRouter(ctx));
  app.use(createPodLogsRouter(ctx));
  for (const type of RESOURCE_TYPES) {
    app.use(createCollectionRouter(ctx, type));
  }
  app.use((req, res) => {
    sendStatus(
      res,
      404,
      `the server could not find the requested resource (${req.method} ${req.path}); the Pilothouse sandbox serves only a subset of the Kubernetes API`,
    );
  });
  app.use((err: any, _req: Request, res: Response, _next: NextFunction) => {
    if (err?.type === 'entity.parse.failed') {
      sendStatus(
        res,
        400,
        `the request body is not valid JSON: ${err.message}`,
      );
      return;
    }
    sendStatus(
      res,
      500,
      `internal error in the sandbox: ${err?.message ?? err}`,
    );
  });
  return app;
}

/** The seed's metrics section; read on every start (it is not state). */
function loadMetrics(options: SandboxOptions) {
  let seedFile = options.seedFile;
  if (!seedFile) {
    try {
      seedFile = findDefaultSeedFile();
    } catch {
      return undefined;
    }
  }
  const seed = readSeedFile(seedFile).metrics;
  return seed ? openServiceMetrics(seed, options.dataDir) : undefined;
}

/** Starts the stand-in Kubernetes API server. */
export async function startSandbox(
  options: SandboxOptions = {},
): Promise<RunningSandbox> {
  const { store, loaded } = ClusterStore.open(options.dataDir);
  const events = new EventRecorder(store);
  const ctx: SandboxContext = {
    store,
    events,
    controller: new WorkloadController(store, events),
  };
  if (!loaded) {
    applySeed(ctx, readSeedFile(options.seedFile ?? findDefaultSeedFile()));
    store.saveNow();
  } else {
    // State written before the sandbox served CI/CD or AWS APIs, or seeded
    // agent namespaces: add those parts of the seed without touching what
    // is there.
    const needsApps = store.list(APPLICATION_KIND).length === 0;
    const needsAws = !awsAccount(store);
    const needsAgents = !store
      .list('Namespace')
      .some(ns => ns.metadata.labels?.['pilothouse.io/agent']);
    let seedFile = options.seedFile;
    if (!seedFile && (needsApps || needsAws || needsAgents)) {
      try {
        seedFile = findDefaultSeedFile();
      } catch (error) {
        // Agent namespaces are a demo nicety: without a seed, go on without them.
        if (needsApps || needsAws) throw error;
      }
    }
    if (seedFile && (needsApps || needsAws || needsAgents)) {
      const seed = readSeedFile(seedFile);
      if (needsApps) {
        for (const app of seed.argocd.applications) {
          seedCicd(store, app);
        }
      }
      if (needsAws && seed.aws) {
        seedAws(store, seed.aws);
      }
      if (needsAgents) {
        seedObjects(ctx, seed, { skipMissingNamespaces: true });
      }
      store.saveNow();
    }
  }

  ctx.metrics = loadMetrics(options);

  const server = http.createServer(createSandboxApp(ctx));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
      resolve(),
    );
  });
  const address = server.address() as AddressInfo;
  const host =
    address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let kubeconfigPath: string | undefined;
  if (options.dataDir) {
    kubeconfigPath = path.join(options.dataDir, 'kubeconfig.yaml');
    fs.writeFileSync(kubeconfigPath, sandboxKubeconfig(url));
  }

  const tick = setInterval(
    () => ctx.controller.tick(),
    options.tickIntervalMs ?? 30_000,
  );
  tick.unref();

  return {
    url,
    kubeconfigPath,
    async close() {
      clearInterval(tick);
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.saveNow();
    },
  };
}
