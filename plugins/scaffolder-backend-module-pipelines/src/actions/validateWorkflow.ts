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
            .default(['.github/workflows'])
            .describe('Workflow files or folders, relative to the workspace'),
        actionlint: z =>
          z
            .boolean()
            .default(true)
            .describe('Also lint with actionlint (expression types, runner labels, action inputs)'),
      },
      output: {
        files: z => z.array(z.string()).describe('The workflow files that were checked'),
      },
    },
    async handler(ctx) {
      const files = await readYamlFiles(ctx.workspacePath, ctx.input.paths);
      const findings: Finding[] = [];
      for (const file of files) {
        findings.push(...(await parseWorkflowFile(file.path, file.content)));
        if (ctx.input.actionlint) {
          findings.push(...(await lintWorkflowFile(file.path, file.content)));
        }
      }
      throwOnFindings('Workflow validation', findings);
      ctx.logger.info(
        `Workflow parser${ctx.input.actionlint ? ' and actionlint' : ''}: no errors in ${files
          .map(f => f.path)
          .join(', ')}`,
      );
      ctx.output('files', files.map(f => f.path));
    },
  });
}
