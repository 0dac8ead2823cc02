import { z } from 'zod';
import { defineTool, repository, result } from './types';

export const rerunWorkflow = defineTool({
  name: 'rerun_workflow',
  title: 'Re-run a GitHub Actions workflow run',
  description: `Re-run a completed workflow run (all jobs, or only the failed ones).
DESTRUCTIVE when the workflow deploys: its jobs run again with the run's
original commit.

Example: { "repository": "pilothouse-demo/notifications", "runId": 12345678 } →
"Re-run of run 12345678 (CI #4) requested: queued, attempt 2"`,
  inputSchema: {
    repository: repository.describe(
      'owner/name, e.g. "pilothouse-demo/payments"',
    ),
    runId: z
      .number()
      .int()
      .positive()
      .describe('Workflow run id (list_workflow_runs shows it)'),
    failedOnly: z
      .boolean()
      .default(false)
      .describe('Re-run only the failed jobs'),
  },
  annotations: {
    title: 'Re-run a GitHub Actions workflow run',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  permissions: [{ system: 'github', permission: 'actions:write' }],
  async handler({ repository: repo, runId, failedOnly }, { clients, scope }) {
    const refused = await scope.refuseRepository(repo, clients);
    if (refused) {
      return refused;
    }
    const [owner, name] = repo.split('/');
    const params = { owner, repo: name, run_id: runId };
    const before = (await clients.github.actions.getWorkflowRun(params)).data;
    if (failedOnly) {
      await clients.github.actions.reRunWorkflowFailedJobs(params);
    } else {
      await clients.github.actions.reRunWorkflow(params);
    }
    const after = (await clients.github.actions.getWorkflowRun(params)).data;
    return result(
      `Re-run of run ${runId} (${before.name} #${before.run_number}) requested: ${after.status}, attempt ${after.run_attempt}`,
      {
        repository: repo,
        runId,
        previousAttempt: before.run_attempt,
        previousConclusion: before.conclusion,
        attempt: after.run_attempt,
        status: after.status,
        url: after.html_url,
      },
    );
  },
});
