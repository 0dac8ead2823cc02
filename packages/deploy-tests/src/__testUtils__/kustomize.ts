import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const execFileAsync = promisify(execFile);

/** One object of a built overlay or a rendered chart. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: any;
}

/**
 * Builds a kustomization directory the way Argo CD and `kubectl apply -k`
 * do (`kubectl kustomize`) and returns its objects; a failed build throws
 * with Kustomize's own message.
 */
export async function kustomizeBuild(
  kubectl: string,
  dir: string,
): Promise<KubeObject[]> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(kubectl, ['kustomize', dir], {
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr || error}`);
  }
  return parseObjects(stdout, `kubectl kustomize ${dir}`);
}

/** The objects of a multi-document YAML stream; `source` names it in errors. */
export function parseObjects(stdout: string, source: string): KubeObject[] {
  return parseAllDocuments(stdout)
    .map(document => {
      if (document.errors.length > 0) {
        throw new Error(`${source}: ${document.errors[0]}`);
      }
      return document.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}
