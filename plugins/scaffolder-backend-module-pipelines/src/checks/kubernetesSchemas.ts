import * as argoCd from '@kubernetes-models/argo-cd';
import * as argoRollouts from '@kubernetes-models/argo-rollouts';
import * as kubernetes from 'kubernetes-models';
import path from 'node:path';
import { z } from 'zod';
import type { Finding } from './findings';
import type { WorkspaceFile } from './workspaceFiles';
import { parseYamlWithPositions } from './yamlPositions';

type Model = (new (data: object) => { validate(): void }) & {
  apiVersion: string;
  kind: string;
};

interface SchemaError {
  instancePath?: string;
  message?: string;
}

let models: Map<string, Model> | undefined;

/** Every model class that kubernetes-models and its Argo CD / Argo Rollouts siblings export, by apiVersion and kind. */
function modelsByType(): Map<string, Model> {
  if (models) {
    return models;
  }
  models = new Map();
  const visit = (value: unknown, depth: number) => {
    if (typeof value === 'function') {
      const model = value as Model;
      if (
        typeof model.apiVersion === 'string' &&
        typeof model.kind === 'string'
      ) {
        models!.set(`${model.apiVersion}/${model.kind}`, model);
      }
    } else if (value && typeof value === 'object' && depth < 3) {
      for (const child of Object.values(value)) {
        visit(child, depth + 1);
      }
    }
  };
  visit(kubernetes, 0);
  visit(argoCd, 0);
  visit(argoRollouts, 0);
  return models;
}

// Kustomize's own file has no published schema in kubernetes-models; these
// are the fields the templates use, strictly, so a typo is caught.
const kustomizationSchema = z
  .object({
    apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
    kind: z.literal('Kustomization'),
    namespace: z.string().optional(),
    namePrefix: z.string().optional(),
    nameSuffix: z.string().optional(),
    resources: z.array(z.string()).optional(),
    components: z.array(z.string()).optional(),
    labels: z
      .array(
        z
          .object({
            pairs: z.record(z.string(), z.string()),
            includeSelectors: z.boolean().optional(),
            includeTemplates: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
    commonAnnotations: z.record(z.string(), z.string()).optional(),
    images: z
      .array(
        z
          .object({
            name: z.string(),
            newName: z.string().optional(),
            newTag: z.string().optional(),
            digest: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    replicas: z
      .array(
        z.object({ name: z.string(), count: z.number().int().min(0) }).strict(),
      )
      .optional(),
    patches: z
      .array(
        z
          .object({
            path: z.string().optional(),
            patch: z.string().optional(),
            target: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/**
 * Validates every document of the given YAML files against the schema of its
 * apiVersion and kind (Kubernetes, Argo CD, Argo Rollouts; Kustomize's
 * kustomization files against their fields, with their `resources` present in
 * the workspace). A document of an unknown type is a finding too: a check
 * that silently skips what it cannot read passes anything.
 */
export function validateKubernetesFiles(files: WorkspaceFile[]): Finding[] {
  const known = new Set(files.map(f => f.path));
  const findings: Finding[] = [];
  for (const file of files) {
    const yaml = parseYamlWithPositions(file.content);
    for (const error of yaml.errors) {
      findings.push({
        file: file.path,
        ...error,
        check: 'kubernetes-schema',
        message: error.message,
      });
    }
    if (yaml.errors.length > 0) {
      continue;
    }
    for (const doc of yaml.documents) {
      const object = doc.toJS() as Record<string, unknown> | null;
      if (object === null || object === undefined) {
        continue;
      }
      const at = (instancePath: string | undefined) => {
        const keys = (instancePath ?? '')
          .split('/')
          .slice(1)
          .map(k =>
            /^\d+$/.test(k)
              ? Number(k)
              : k.replace(/~1/g, '/').replace(/~0/g, '~'),
          );
        // The deepest node that exists on the path: a missing field is
        // reported where its parent is.
        for (let n = keys.length; n >= 0; n--) {
          const node = doc.getIn(keys.slice(0, n), true);
          if (node && typeof node === 'object' && 'range' in node) {
            return yaml.position(node as any);
          }
        }
        return yaml.position(doc.contents);
      };
      const report = (instancePath: string | undefined, message: string) =>
        findings.push({
          file: file.path,
          ...at(instancePath),
          check: 'kubernetes-schema',
          message,
        });

      const { apiVersion, kind } = object;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
        report('', 'not a Kubernetes object: apiVersion and kind are required');
        continue;
      }
      const name = (object.metadata as { name?: string } | undefined)?.name;
      const label = `${kind}${name ? ` ${name}` : ''}`;

      if (kind === 'Kustomization') {
        const parsed = kustomizationSchema.safeParse(object);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            report(
              `/${issue.path.join('/')}`,
              `${label}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
            );
          }
          continue;
        }
        const dir = path.posix.dirname(file.path);
        (parsed.data.resources ?? []).forEach((resource, index) => {
          const target = path.posix.normalize(path.posix.join(dir, resource));
          const isFile = /\.ya?ml$/.test(resource);
          const exists = isFile
            ? known.has(target)
            : [...known].some(p => p.startsWith(`${target}/`));
          if (!exists) {
            report(
              `/resources/${index}`,
              `${label}: resource ${resource} (${target}) is not among the validated files`,
            );
          }
        });
        continue;
      }

      const Model = modelsByType().get(`${apiVersion}/${kind}`);
      if (!Model) {
        report('/kind', `no schema known for ${apiVersion} ${kind}`);
        continue;
      }
      try {
        new Model(object).validate();
      } catch (error) {
        const errors = (error as { errors?: SchemaError[] }).errors;
        if (!Array.isArray(errors)) {
          throw error;
        }
        for (const e of errors) {
          report(
            e.instancePath,
            `${label}: ${e.instancePath || '(root)'} ${
              e.message ?? 'is invalid'
            }`,
          );
        }
      }
    }
  }
  return findings;
}
