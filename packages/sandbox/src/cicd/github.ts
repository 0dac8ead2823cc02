import express, { Request, Response, Router } from 'express';
import { z } from 'zod';
import { SandboxContext } from '../context';
import { KubeObject } from '../store';
import {
  commitSha,
  numericId,
  WORKFLOW_KIND,
  WORKFLOW_RUN_KIND,
} from './model';

/** Where the GitHub REST subset is served: Octokit's `baseUrl` is `<sandbox>/github`. */
export const GITHUB_PREFIX = '/github';

function githubError(res: Response, status: number, message: string) {
  res.status(status).json({
    message,
    documentation_url: 'https://docs.github.com/rest/actions',
  });
}

const dispatchBody = z.object({
  ref: z.string().min(1),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

function repoKey(req: Request): string {
  return `${req.params.owner}/${req.params.repo}`.toLowerCase();
}

/**
 * A stand-in for the GitHub Actions REST endpoints mcp-cicd uses (runs,
 * re-run, workflows, dispatch), with the response shapes Octokit expects.
 */
export function createGitHubRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  const repoPath = `${GITHUB_PREFIX}/repos/:owner/:repo/actions`;

  function workflowsOf(req: Request, res: Response): KubeObject[] | undefined {
    const workflows = ctx.store.list(WORKFLOW_KIND, repoKey(req));
    if (workflows.length === 0) {
      githubError(res, 404, 'Not Found');
      return undefined;
    }
    return workflows;
  }

  router.get(`${repoPath}/workflows`, (req, res) => {
    const workflows = workflowsOf(req, res);
    if (workflows) {
      res.json({
        total_count: workflows.length,
        workflows: workflows.map(w => w.workflow),
      });
    }
  });

  router.get(`${repoPath}/runs`, (req, res) => {
    if (!workflowsOf(req, res)) {
      return;
    }
    const { status, branch, event } = req.query;
    const perPage = Math.min(Number(req.query.per_page ?? 30) || 30, 100);
    const page = Math.max(Number(req.query.page ?? 1) || 1, 1);
    const runs = ctx.store
      .list(WORKFLOW_RUN_KIND, repoKey(req))
      .map(r => r.run)
      .filter(
        r =>
          (!status || r.status === status || r.conclusion === status) &&
          (!branch || r.head_branch === branch) &&
          (!event || r.event === event),
      )
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    res.json({
      total_count: runs.length,
      workflow_runs: runs.slice((page - 1) * perPage, page * perPage),
    });
  });

  router.get(`${repoPath}/runs/:id`, (req, res) => {
    const run = ctx.store.get(WORKFLOW_RUN_KIND, repoKey(req), req.params.id);
    if (!run) {
      githubError(res, 404, 'Not Found');
      return;
    }
    res.json(run.run);
  });

  router.post(
    `${repoPath}/runs/:id/:action(rerun|rerun-failed-jobs)`,
    (req, res) => {
      const run = ctx.store.get(WORKFLOW_RUN_KIND, repoKey(req), req.params.id);
      if (!run) {
        githubError(res, 404, 'Not Found');
        return;
      }
      if (run.run.status !== 'completed') {
        githubError(res, 403, 'This workflow run is not completed');
        return;
      }
      const updated = structuredClone(run);
      const now = new Date().toISOString();
      // The sandbox runs nothing: a re-run is queued and stays queued.
      updated.run = {
        ...updated.run,
        run_attempt: updated.run.run_attempt + 1,
        status: 'queued',
        conclusion: null,
        updated_at: now,
        run_started_at: now,
      };
      ctx.store.update(updated);
      res.status(201).json({});
    },
  );

  router.post(`${repoPath}/workflows/:workflowId/dispatches`, (req, res) => {
    const workflows = workflowsOf(req, res);
    if (!workflows) {
      return;
    }
    const wanted = req.params.workflowId;
    const workflow = workflows
      .map(w => w.workflow)
      .find(w => String(w.id) === wanted || w.path.endsWith(`/${wanted}`));
    if (!workflow) {
      githubError(res, 404, 'Not Found');
      return;
    }
    const body = dispatchBody.safeParse(req.body ?? {});
    if (!body.success) {
      githubError(
        res,
        422,
        `Invalid request: ${body.error.issues[0]?.message}`,
      );
      return;
    }
    const key = repoKey(req);
    const existing = ctx.store.list(WORKFLOW_RUN_KIND, key);
    const runNumber =
      existing.reduce((max, r) => Math.max(max, r.run.run_number), 0) + 1;
    const id = numericId(`${key}/run/${runNumber}`);
    const now = new Date().toISOString();
    ctx.store.create({
      apiVersion: 'pilothouse.dev/sandbox',
      kind: WORKFLOW_RUN_KIND,
      metadata: { name: String(id), namespace: key },
      run: {
        id,
        name: workflow.name,
        display_title: workflow.name,
        workflow_id: workflow.id,
        path: workflow.path,
        run_number: runNumber,
        run_attempt: 1,
        event: 'workflow_dispatch',
        head_branch: body.data.ref.replace(/^refs\/heads\//, ''),
        head_sha: commitSha(key, runNumber),
        status: 'queued',
        conclusion: null,
        created_at: now,
        updated_at: now,
        run_started_at: now,
        html_url: `https://github.com/${key}/actions/runs/${id}`,
        inputs: body.data.inputs ?? {},
      },
    });
    res.status(204).end();
  });

  return router;
}
