import express, { Response, Router } from 'express';
import { z } from 'zod';
import { SandboxContext } from '../context';
import { parseLabelSelector } from '../selectors';
import { KubeObject } from '../store';
import {
  APPLICATION_KIND,
  ARGOCD_NAMESPACE,
  commitSha,
  HistoryEntry,
} from './model';
import { HEAD_COMMIT } from './seed';

/** Where the Argo CD API subset is served: the proxy target is `<sandbox>/argocd/api/v1/`. */
export const ARGOCD_PREFIX = '/argocd/api/v1';

// Argo CD answers errors as a gRPC-gateway status: { error, code, message }.
const GRPC_CODE: Record<number, number> = { 400: 3, 403: 7, 404: 5, 409: 9 };

function argoError(res: Response, status: number, message: string) {
  res
    .status(status)
    .json({ error: message, code: GRPC_CODE[status] ?? 2, message });
}

function repoOf(app: KubeObject): string {
  return String(app.spec.source.repoURL).replace('https://github.com/', '');
}

/** The revision a sync deploys when none is given: the repository's HEAD. */
function headRevision(app: KubeObject): string {
  return commitSha(repoOf(app), HEAD_COMMIT);
}

/** Which of the repository's commits (1..HEAD_COMMIT) a SHA, or a 7+ character prefix of one, names. */
function commitNumber(app: KubeObject, revision: string): number | undefined {
  const repo = repoOf(app);
  const wanted = revision.toLowerCase();
  if (!/^[0-9a-f]{7,40}$/.test(wanted)) {
    return undefined;
  }
  return Array.from({ length: HEAD_COMMIT }, (_, i) => i + 1).find(n =>
    commitSha(repo, n).startsWith(wanted),
  );
}

/**
 * Resolves a sync's revision to a commit SHA, as Argo CD does before it
 * records history: the branch names and HEAD are the repository's head.
 * History then only holds SHAs, whose metadata the Argo CD card looks up.
 */
function resolveRevision(
  app: KubeObject,
  revision: string | undefined,
): string | undefined {
  const symbolic = ['HEAD', 'main', app.spec.source.targetRevision];
  if (!revision || symbolic.includes(revision)) {
    return headRevision(app);
  }
  const n = commitNumber(app, revision);
  return n === undefined ? undefined : commitSha(repoOf(app), n);
}

function list(value: unknown): string[] {
  if (!value) {
    return [];
  }
  return (Array.isArray(value) ? value : [value])
    .flatMap(v => String(v).split(','))
    .filter(Boolean);
}

const syncBody = z
  .object({
    revision: z.string().optional(),
    prune: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .passthrough();

const rollbackBody = z
  .object({
    id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    prune: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .passthrough();

/** Records a finished deploy of revision: a history entry and a Succeeded operation. */
function deploy(
  ctx: SandboxContext,
  app: KubeObject,
  revision: string,
  operation: Record<string, unknown>,
  message: string,
): KubeObject {
  const updated = structuredClone(app);
  const status = updated.status;
  const history: HistoryEntry[] = status.history ?? [];
  const now = new Date().toISOString();
  history.push({
    id: history.reduce((max, h) => Math.max(max, h.id), -1) + 1,
    revision,
    deployStartedAt: now,
    deployedAt: now,
    source: updated.spec.source,
  });
  status.history = history.slice(-10);
  status.sync = {
    ...status.sync,
    status: revision === headRevision(app) ? 'Synced' : 'OutOfSync',
    revision,
  };
  status.operationState = {
    operation,
    phase: 'Succeeded',
    message,
    startedAt: now,
    finishedAt: now,
    syncResult: { revision, source: updated.spec.source },
  };
  status.reconciledAt = now;
  return ctx.store.update(updated);
}

/**
 * A stand-in for the subset of the Argo CD REST API that the Roadie Argo CD
 * plugin and mcp-cicd use: list (selector, name, projects), get, sync,
 * rollback and revision metadata.
 */
export function createArgoCdRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  const find = (name: string) =>
    ctx.store.get(APPLICATION_KIND, ARGOCD_NAMESPACE, name);

  // `/applications/selector/<selector>` is what the Roadie plugin's
  // getAppListDetails asks for; real Argo CD only has `?selector=`.
  router.get(
    [
      `${ARGOCD_PREFIX}/applications`,
      `${ARGOCD_PREFIX}/applications/selector/:selector`,
    ],
    (req, res) => {
      let matches;
      try {
        const selector = req.params.selector ?? req.query.selector;
        matches = parseLabelSelector(
          typeof selector === 'string' ? selector : undefined,
        );
      } catch (error) {
        argoError(res, 400, `invalid selector: ${(error as Error).message}`);
        return;
      }
      const names = list(req.query.name);
      const projects = list(req.query.projects ?? req.query.project);
      const items = ctx.store
        .list(APPLICATION_KIND, ARGOCD_NAMESPACE)
        .filter(
          app =>
            matches(app.metadata.labels) &&
            (names.length === 0 || names.includes(app.metadata.name)) &&
            (projects.length === 0 || projects.includes(app.spec.project)),
        );
      res.json({
        metadata: { resourceVersion: ctx.store.currentResourceVersion() },
        items,
      });
    },
  );

  router.get(`${ARGOCD_PREFIX}/applications/:name`, (req, res) => {
    const app = find(req.params.name);
    if (!app) {
      argoError(
        res,
        404,
        `applications.argoproj.io "${req.params.name}" not found`,
      );
      return;
    }
    res.json(app);
  });

  router.get(
    `${ARGOCD_PREFIX}/applications/:name/revisions/:revision/metadata`,
    (req, res) => {
      const app = find(req.params.name);
      if (!app) {
        argoError(
          res,
          404,
          `applications.argoproj.io "${req.params.name}" not found`,
        );
        return;
      }
      const repo = repoOf(app);
      const n = commitNumber(app, req.params.revision);
      if (!n) {
        argoError(
          res,
          404,
          `revision ${req.params.revision} not found in ${repo}`,
        );
        return;
      }
      res.json({
        author: 'Pilothouse Demo <demo@example.com>',
        date: new Date(
          Date.now() - (HEAD_COMMIT - n) * 86_400_000,
        ).toISOString(),
        message: `Commit ${n} of ${repo}`,
        tags: [],
      });
    },
  );

  router.post(`${ARGOCD_PREFIX}/applications/:name/sync`, (req, res) => {
    const app = find(req.params.name);
    if (!app) {
      argoError(
        res,
        404,
        `applications.argoproj.io "${req.params.name}" not found`,
      );
      return;
    }
    const body = syncBody.safeParse(req.body ?? {});
    if (!body.success) {
      argoError(res, 400, `invalid sync request: ${body.error.message}`);
      return;
    }
    const revision = resolveRevision(app, body.data.revision);
    if (!revision) {
      argoError(
        res,
        400,
        `unable to resolve '${body.data.revision}' to a commit SHA in ${repoOf(
          app,
        )}`,
      );
      return;
    }
    if (body.data.dryRun) {
      res.json(app);
      return;
    }
    res.json(
      deploy(
        ctx,
        app,
        revision,
        { sync: { revision, prune: Boolean(body.data.prune) } },
        'successfully synced (all tasks run)',
      ),
    );
  });

  router.put(`${ARGOCD_PREFIX}/applications/:name/rollback`, (req, res) => {
    const app = find(req.params.name);
    if (!app) {
      argoError(
        res,
        404,
        `applications.argoproj.io "${req.params.name}" not found`,
      );
      return;
    }
    const body = rollbackBody.safeParse(req.body ?? {});
    if (!body.success) {
      argoError(res, 400, `invalid rollback request: ${body.error.message}`);
      return;
    }
    if (app.spec.syncPolicy?.automated) {
      argoError(
        res,
        400,
        'rollback cannot be initiated when auto-sync is enabled',
      );
      return;
    }
    const id = Number(body.data.id);
    const target = (app.status.history as HistoryEntry[]).find(
      h => h.id === id,
    );
    if (!target) {
      argoError(
        res,
        404,
        `application ${app.metadata.name} does not have history id ${id}`,
      );
      return;
    }
    if (body.data.dryRun) {
      res.json(app);
      return;
    }
    res.json(
      deploy(
        ctx,
        app,
        target.revision,
        { sync: { revision: target.revision }, rollback: { id } },
        `rolled back to history id ${id}`,
      ),
    );
  });

  return router;
}
