import { z } from 'zod';
import { defineTool, repository, result } from './types';

export const dispatchWorkflow = defineTool({
  name: 'dispatch_workflow',
  title: 'Dispatch a GitHub Actions workflow',
  description: `Start a workflow that has a workflow_dispatch trigger, on a branch or tag,
with inputs. DESTRUCTIVE when the workflow deploys. GitHub answers without a
run id; list_workflow_runs with the branch shows the new run.

Example: { "repository": "pilothouse-demo/payments", "workflow": "deploy.yml",
"ref": "main", "inputs": { "environment": "staging" } } →
"Dispatched deploy.yml on main in pilothouse-demo/payments"`,
  inputSchema: {
    repository: repository.describe(
      'owner/name, e.g. "pilothouse-demo/payments"',
    ),
    workflow: z
      .string()
      .regex(
        /^(\d+|[\w.-]+\.ya?ml)$/,
        'a workflow file name such as "deploy.yml" or its numeric id',
      )
      .describe('Workflow file name (e.g. "deploy.yml") or id'),
    ref: z.string().min(1).max(255).describe('Branch or tag to run on'),
    inputs: z
      .record(z.string(), z.string())
      .optional()
      .describe('Workflow inputs, as strings'),
  },
  annotations: {
    title: 'Dispatch a GitHub Actions workflow',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  permissions: [{ system: 'github', permission: 'actions:write' }],
  async handler(
    { repository: repo, workflow, ref, inputs },
    { clients, scope },
  ) {
    const refused = await scope.refuseRepository(repo, clients);
    if (refused) {
      return refused;
    }
    const [owner, name] = repo.split('/');
    await clients.github.actions.createWorkflowDispatch({
      owner,
      repo: name,
      workflow_id: /^\d+$/.test(workflow) ? Number(workflow) : workflow,
      ref,
      inputs,
    });
    return result(`Dispatched ${workflow} on ${ref} in ${repo}`, {
      repository: repo,
      workflow,
      ref,
      inputs: inputs ?? {},
      next: {
        tool: 'list_workflow_runs',
        arguments: {
          repository: repo,
          branch: ref.replace(/^refs\/heads\//, ''),
        },
      },
    });
  },
});
