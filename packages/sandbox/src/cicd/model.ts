import { createHash } from 'node:crypto';

/** Namespace the Argo CD Application objects live in, as in a default install. */
export const ARGOCD_NAMESPACE = 'argocd';
export const APPLICATION_KIND = 'Application';
export const ROLLOUT_KIND = 'Rollout';
export const WORKFLOW_KIND = 'GitHubWorkflow';
export const WORKFLOW_RUN_KIND = 'GitHubWorkflowRun';

/** A deterministic 40-hex commit id, so seeded history is the same on every laptop. */
export function commitSha(repo: string, n: number): string {
  return createHash('sha1').update(`${repo}#${n}`).digest('hex');
}

/** Stable numeric id (GitHub ids are numbers) derived from a string. */
export function numericId(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) % 1e8;
}

export interface HistoryEntry {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt: string;
  source: Record<string, unknown>;
}
