import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Finding } from './findings';
import {
  mapEntries,
  mapGet,
  parseYamlWithPositions,
  scalarValue,
  seqItems,
} from './yamlPositions';

// Secrets that hold long-lived cloud keys; OIDC federation replaces them.
const STORED_CLOUD_KEYS =
  /secrets\.(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|GCP_SA_KEY|GOOGLE_CREDENTIALS|AZURE_CREDENTIALS)\b/g;

/**
 * Least privilege and the usual supply-chain hardening for a GitHub
 * workflow:
 * - the workflow's default `permissions:` grant no write access, and every job
 *   states its own (so a job gets only what it needs);
 * - no `write-all`;
 * - no `pull_request_target` (it runs with secrets on code from forks);
 * - `actions/checkout` with `persist-credentials: false`, so later steps
 *   cannot reuse the token it would leave in `.git/config`;
 * - no stored cloud keys (`secrets.AWS_SECRET_ACCESS_KEY`, ...): OIDC instead.
 */
export function checkWorkflowPermissions(
  file: string,
  content: string,
): Finding[] {
  const yaml = parseYamlWithPositions(content);
  const findings: Finding[] = [];
  const report = (node: Node | undefined | null, message: string) =>
    findings.push({
      file,
      ...yaml.position(node),
      check: 'permissions',
      message,
    });

  for (const doc of yaml.documents) {
    const root = doc.contents;
    const on = mapGet(root, 'on');
    const triggers = triggerNames(on);
    if (triggers.includes('pull_request_target')) {
      report(
        on,
        'pull_request_target runs with secrets and write access on code from forks; use pull_request',
      );
    }

    const topPermissions = mapGet(root, 'permissions');
    if (!topPermissions) {
      report(
        root,
        'the workflow sets no default permissions; add `permissions: {}` (or read-only scopes) at the top',
      );
    } else {
      for (const problem of permissionProblems(topPermissions, true)) {
        report(topPermissions, problem);
      }
    }

    for (const [jobId, jobPair] of mapEntries(mapGet(root, 'jobs'))) {
      const job = jobPair.value;
      const permissions = mapGet(job, 'permissions');
      if (!permissions) {
        report(
          jobPair.key,
          `job ${jobId} does not state its permissions; add a \`permissions:\` block with only what it needs`,
        );
      } else {
        for (const problem of permissionProblems(permissions, false)) {
          report(permissions, `job ${jobId}: ${problem}`);
        }
      }
      for (const step of seqItems(mapGet(job, 'steps'))) {
        const uses = String(scalarValue(mapGet(step, 'uses')) ?? '');
        if (uses.startsWith('actions/checkout@')) {
          const persist = scalarValue(
            mapGet(mapGet(step, 'with'), 'persist-credentials'),
          );
          if (persist !== false && persist !== 'false') {
            report(
              mapGet(step, 'uses'),
              `job ${jobId}: actions/checkout keeps the token in .git/config; set \`with: persist-credentials: false\``,
            );
          }
        }
      }
    }
  }

  for (const match of content.matchAll(STORED_CLOUD_KEYS)) {
    const before = content.slice(0, match.index);
    const line = before.split('\n').length;
    const column = match.index! - before.lastIndexOf('\n');
    findings.push({
      file,
      line,
      column,
      check: 'permissions',
      message: `${match[0]} is a stored cloud key; federate with OIDC (id-token: write) instead`,
    });
  }
  return findings.sort((a, b) => a.line - b.line);
}

/** `on: push`, `on: [push, pull_request]` or `on: { push: ... }`. */
function triggerNames(on: Node | undefined): string[] {
  if (isScalar(on)) {
    return [String(on.value)];
  }
  if (isSeq(on)) {
    return seqItems(on).map(n => String(scalarValue(n)));
  }
  return mapEntries(on).map(([k]) => k);
}

function permissionProblems(node: Node, isDefault: boolean): string[] {
  if (isScalar(node)) {
    const value = String(node.value);
    if (value === 'write-all') {
      return ['`write-all` grants every scope; list only the scopes needed'];
    }
    if (value === 'read-all' && !isDefault) {
      return [
        '`read-all` grants every read scope; list only the scopes needed',
      ];
    }
    return [];
  }
  if (!isMap(node)) {
    return ['permissions must be a map of scopes'];
  }
  if (!isDefault) {
    return [];
  }
  return mapEntries(node)
    .filter(([, pair]) => scalarValue(pair.value) === 'write')
    .map(
      ([scope]) =>
        `the workflow's default permissions grant ${scope}: write to every job; grant it in the job that needs it`,
    );
}
