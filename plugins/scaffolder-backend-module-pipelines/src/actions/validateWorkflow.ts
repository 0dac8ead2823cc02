import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { lintWorkflowFile } from '../checks/actionlint';
import { throwOnFindings, type Finding } from '../checks/findings';
import { parseWorkflowFile } from '../checks/workflowParser';
import { readYamlFiles } from '../checks/workspaceFiles';

export const VALIDATE_WORKFLOW_ID = 'pilothouse:validateWorkflow';

/**
 * Parses generated GitHub Actions workflows with GitHub's own parser
 * (`@actions/workflow-parser`) and lints them with actionlint; any error
 * stops the run with its file and line.
 */
export function createValidateWorkflowAction() {
  return createTemplateAction({
    id: VALIDATE_WORKFLOW_ID,
    description:
      "Validates generated GitHub Actions workflows with GitHub's workflow parser and actionlint. Fails the run with each problem's file and line.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Validate every workflow the template generated',
        example: `steps:
  - id: validate-workflows
    name: Validate workflows
    action: pilothouse:validateWorkflow
    input:
      paths:
        - .github/workflows`,
      },
      {
        description: 'Validate one workflow with the workflow parser only',
        example: `steps:
  - id: validate-ci
    action: pilothouse:validateWorkflow
    input:
      paths: [.github/workflows/ci.yml]
      actionlint: false`,
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
              'Workflow files or folders, relative to the workspace (default: .github/workflows)',
            ),
        actionlint: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Also lint with actionlint: expression types, runner labels, action inputs (default: true)',
            ),
      },
      output: {
        files: z =>
          z.array(z.string()).describe('The workflow files that were checked'),
      },
    },
    async handler(ctx) {
      // The scaffolder checks input against the JSON schema made from the
      // zod one, but does not fill in defaults: they are applied here.
      const useActionlint = ctx.input.actionlint ?? true;
      const files = await readYamlFiles(
        ctx.workspacePath,
        ctx.input.paths ?? ['.github/workflows'],
      );
      const findings: Finding[] = [];
      for (const file of files) {
        findings.push(...(await parseWorkflowFile(file.path, file.content)));
        if (useActionlint) {
          findings.push(...(await lintWorkflowFile(file.path, file.content)));
        }
      }
      throwOnFindings('Workflow validation', findings);
      ctx.logger.info(
        `Workflow parser${
          useActionlint ? ' and actionlint' : ''
        }: no errors in ${files.map(f => f.path).join(', ')}`,
      );
      ctx.output(
        'files',
        files.map(f => f.path),
      );
    },
  });
}
