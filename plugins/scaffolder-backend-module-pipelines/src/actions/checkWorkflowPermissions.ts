import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { throwOnFindings } from '../checks/findings';
import { checkWorkflowPermissions } from '../checks/workflowPermissions';
import { readYamlFiles } from '../checks/workspaceFiles';

export const CHECK_WORKFLOW_PERMISSIONS_ID =
  'pilothouse:checkWorkflowPermissions';

/** Fails the run when a generated workflow grants more than its jobs need. */
export function createCheckWorkflowPermissionsAction() {
  return createTemplateAction({
    id: CHECK_WORKFLOW_PERMISSIONS_ID,
    description:
      'Checks generated GitHub workflows for least privilege: read-only default permissions, explicit permissions per job, no write-all, no pull_request_target, actions/checkout with persist-credentials: false, and no stored cloud keys. Fails the run with each offending file and line.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Check the generated workflows',
        example: `steps:
  - id: permissions
    name: Check least privilege
    action: pilothouse:checkWorkflowPermissions
    input:
      paths: [.github/workflows]`,
      },
    ],
    schema: {
      input: {
        paths: z =>
          z
            .array(z.string().min(1))
            .min(1)
            .optional()
            .describe(
              `Workflow files or folders, relative to the workspace (default: [.github/workflows])`,
            ),
      },
    },
    async handler(ctx) {
      const files = await readYamlFiles(
        ctx.workspacePath,
        ctx.input.paths ?? ['.github/workflows'],
      );
      throwOnFindings(
        'Least-privilege check',
        files.flatMap(f => checkWorkflowPermissions(f.path, f.content)),
      );
      ctx.logger.info(
        `Least privilege holds in ${files.map(f => f.path).join(', ')}`,
      );
    },
  });
}
