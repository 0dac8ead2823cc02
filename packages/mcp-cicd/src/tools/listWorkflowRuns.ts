import { z } from 'zod';
import { defineTool, repository, result } from './types';

export const listWorkflowRuns = defineTool({
  name: 'list_workflow_runs',
  title: 'List GitHub Actions workflow runs',
  description: `Recent GitHub Actions workflow runs of a repository (the catalog's
github.com/project-slug), newest first, with status and conclusion.

Example: { "repository": "pilothouse-demo/notifications", "status": "failure" } →
"#4 CI (push, main, a1b2c3d): completed/failure, attempt 1, id 12345678"`,
  inputSchema: {
    repository: repository.describe(
      'owner/name, e.g. "pilothouse-demo/payments"',
    ),
    status: z
      .enum([
        'completed',
        'queued',
        'in_progress',
        'success',
        'failure',
        'cancelled',
      ])
      .optional()
      .describe('Only runs with this status or conclusion'),
    branch: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('Only runs on this branch'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe('How many runs to return'),
  },
  annotations: {
    title: 'List GitHub Actions workflow runs',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permissions: [{ system: 'github', permission: 'actions:read' }],
  async handler(
    { repository: repo, status, branch, limit },
    { clients, scope },
  ) {
    const refused = await scope.refuseRepository(repo, clients);
    if (refused) {
      return refused;
    }
    const [owner, name] = repo.split('/');
    const { data } = await clients.github.actions.listWorkflowRunsForRepo({
      owner,
      repo: name,
      status,
      branch,
      per_page: limit,
    });
    const runs = data.workflow_runs.slice(0, limit).map(r => ({
      id: r.id,
      workflow: r.name,
      workflowId: r.workflow_id,
      runNumber: r.run_number,
      attempt: r.run_attempt,
      event: r.event,
      branch: r.head_branch,
      sha: r.head_sha,
      status: r.status,
      conclusion: r.conclusion,
      createdAt: r.created_at,
      url: r.html_url,
    }));
    const text =
      runs.length === 0
        ? `No workflow runs in ${repo} match.`
        : runs
            .map(
              r =>
                `#${r.runNumber} ${r.workflow} (${r.event}, ${
                  r.branch
                }, ${r.sha.slice(0, 7)}): ${r.status}${
                  r.conclusion ? `/${r.conclusion}` : ''
                }, attempt ${r.attempt}, id ${r.id}`,
            )
            .join('\n');
    return result(text, { repository: repo, total: data.total_count, runs });
  },
});
