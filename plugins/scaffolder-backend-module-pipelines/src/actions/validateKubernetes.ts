import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { throwOnFindings } from '../checks/findings';
import { validateKubernetesFiles } from '../checks/kubernetesSchemas';
import { readYamlFiles } from '../checks/workspaceFiles';

export const VALIDATE_KUBERNETES_ID = 'pilothouse:validateKubernetes';

/** Validates generated Kubernetes, Argo CD, Argo Rollouts and Kustomize files against their schemas. */
export function createValidateKubernetesAction() {
  return createTemplateAction({
    id: VALIDATE_KUBERNETES_ID,
    description:
      'Validates every document in the generated YAML files against the schema of its apiVersion and kind (Kubernetes, Argo CD Application, Argo Rollouts Rollout and AnalysisTemplate, Kustomize kustomization). Unknown kinds fail too. Fails the run with each offending file and line.',
    supportsDryRun: true,
    examples: [
      {
        description:
          'Validate the Kustomize base, overlays and Argo CD Applications',
        example: `steps:
  - id: validate-manifests
    name: Validate Kubernetes objects
    action: pilothouse:validateKubernetes
    input:
      paths: [deploy]`,
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
              `YAML files or folders, relative to the workspace (default: [deploy])`,
            ),
      },
      output: {
        objects: z => z.number().describe('How many files were validated'),
      },
    },
    async handler(ctx) {
      const files = await readYamlFiles(
        ctx.workspacePath,
        ctx.input.paths ?? ['deploy'],
      );
      throwOnFindings(
        'Kubernetes schema validation',
        validateKubernetesFiles(files),
      );
      ctx.logger.info(`Kubernetes schemas: ${files.length} files valid`);
      ctx.output('objects', files.length);
    },
  });
}
