import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { throwOnFindings } from '../checks/findings';
import { checkPinnedActions } from '../checks/pinnedActions';
import { readYamlFiles } from '../checks/workspaceFiles';

export const CHECK_PINNED_ACTIONS_ID = 'pilothouse:checkPinnedActions';

/** Fails the run when a generated workflow uses an action by tag or branch instead of a full commit SHA. */
export function createCheckPinnedActionsAction() {
  return createTemplateAction({
    id: CHECK_PINNED_ACTIONS_ID,
    description:
      'Checks that every `uses:` in generated GitHub workflows and composite actions names a full 40-character commit SHA (Docker actions: an image digest). Fails the run with each offending file and line.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Check the generated workflows',
        example: `steps:
  - id: pins
    name: Check that actions are pinned
    action: pilothouse:checkPinnedActions
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
              `Workflow or action files or folders, relative to the workspace (default: [.github/workflows])`,
            ),
      },
    },
    async handler(ctx) {
      const files = await readYamlFiles(
        ctx.workspacePath,
        ctx.input.paths ?? ['.github/workflows'],
      );
      throwOnFindings(
        'Action pin check',
        files.flatMap(f => checkPinnedActions(f.path, f.content)),
      );
      ctx.logger.info(
        `Every action is pinned to a commit SHA in ${files
          .map(f => f.path)
          .join(', ')}`,
      );
    },
  });
}
