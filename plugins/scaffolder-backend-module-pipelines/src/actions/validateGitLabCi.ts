import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { throwOnFindings, type Finding } from '../checks/findings';
import { validateGitLabCiFile } from '../checks/gitlabCi';
import { readYamlFiles } from '../checks/workspaceFiles';

export const VALIDATE_GITLAB_CI_ID = 'pilothouse:validateGitLabCi';

/**
 * Validates generated GitLab CI files against GitLab's own JSON schema for
 * .gitlab-ci.yml, and that every job's stage is declared; any error stops
 * the run with its file and line.
 */
export function createValidateGitLabCiAction() {
  return createTemplateAction({
    id: VALIDATE_GITLAB_CI_ID,
    description:
      "Validates generated GitLab CI files against GitLab's JSON schema for .gitlab-ci.yml (the one its pipeline editor uses) and checks that every job's stage is declared. Fails the run with each problem's file and line.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Validate the generated .gitlab-ci.yml',
        example: `steps:
  - id: validate-gitlab-ci
    name: Validate .gitlab-ci.yml
    action: pilothouse:validateGitLabCi
    input:
      paths: [.gitlab-ci.yml]`,
      },
      {
        description: 'Validate the pipeline and the files it includes',
        example: `steps:
  - id: validate-gitlab-ci
    action: pilothouse:validateGitLabCi
    input:
      paths: [.gitlab-ci.yml, .gitlab/ci]`,
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
              'GitLab CI files or folders, relative to the workspace (default: .gitlab-ci.yml)',
            ),
      },
      output: {
        files: z =>
          z.array(z.string()).describe('The GitLab CI files that were checked'),
      },
    },
    async handler(ctx) {
      const files = await readYamlFiles(
        ctx.workspacePath,
        ctx.input.paths ?? ['.gitlab-ci.yml'],
      );
      const findings: Finding[] = files.flatMap(file =>
        validateGitLabCiFile(file.path, file.content),
      );
      throwOnFindings('GitLab CI validation', findings);
      ctx.logger.info(
        `GitLab CI schema: no errors in ${files.map(f => f.path).join(', ')}`,
      );
      ctx.output(
        'files',
        files.map(f => f.path),
      );
    },
  });
}
