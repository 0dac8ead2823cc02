import { findPaths } from '@backstage/cli-common';
import type { JsonValue, LogEvent } from '@pilothouse/plugin-log-search-common';
import path from 'node:path';

let counter = 0;

/** A stored LogEvent with these attributes (and top-level fields). */
export function logEvent(
  attributes: Record<string, JsonValue>,
  extra: Partial<LogEvent> = {},
): LogEvent {
  counter++;
  return {
    id: `evt-${counter}`,
    timestamp: '2026-11-27T10:00:00.000Z',
    observedAt: '2026-11-27T10:00:01.000Z',
    severity: 'info',
    message: '',
    source: 'jsonl',
    attributes,
    ...extra,
  };
}

/** The repository root (where the root package.json is). */
export const REPO_ROOT = findPaths(__dirname).targetRoot;

/** Third-party fixtures beside the repository (never copied into it). */
export const SIGMA_FIXTURES = path.resolve(
  REPO_ROOT,
  '../shared/fixtures/sigma',
);

/** The repository's own AI traffic pack. */
export const AI_TRAFFIC_PACK = path.resolve(
  REPO_ROOT,
  'policies/detections/ai-traffic',
);

/** A Kubernetes audit event (audit.k8s.io/v1), as Fluent Bit ships it. */
export function kubernetesAudit(
  fields: Record<string, JsonValue>,
  extra: Partial<LogEvent> = {},
) {
  return logEvent(
    {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID: `audit-${counter + 1}`,
      stage: 'ResponseComplete',
      'user.username': 'system:serviceaccount:default:builder',
      ...fields,
    },
    { service: 'kube-apiserver', ...extra },
  );
}

/** A CloudTrail record. */
export function cloudTrail(
  fields: Record<string, JsonValue>,
  extra: Partial<LogEvent> = {},
) {
  return logEvent(
    {
      eventVersion: '1.08',
      awsRegion: 'eu-west-1',
      sourceIPAddress: '198.51.100.7',
      'userIdentity.type': 'IAMUser',
      'userIdentity.arn': 'arn:aws:iam::123456789012:user/mallory',
      ...fields,
    },
    { service: 'cloudtrail', ...extra },
  );
}

/** One of the LLM gateway's audit records, as log search ingests it (source `audit`). */
export function gatewayAudit(
  fields: Record<string, JsonValue>,
  extra: Partial<LogEvent> = {},
): LogEvent {
  return logEvent(
    { kind: 'tool', decision: 'allow', actor: 'user:default/alice', ...fields },
    { source: 'audit', service: 'llm-gateway', ...extra },
  );
}
