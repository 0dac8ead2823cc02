import type { JsonValue, Severity } from '@pilothouse/plugin-log-search-common';
import { flatten, ParsedEvent, parseTimestamp } from '../ingest/normalize';

/** The topic the LLM gateway publishes each appended audit record on. */
export const GATEWAY_AUDIT_TOPIC = 'llm-gateway.audit';

/** The gateway's record fields this feed reads (llm-gateway-common's AuditRecord). */
interface AuditRecordLike {
  id?: unknown;
  time?: unknown;
  actor?: unknown;
  kind?: unknown;
  target?: unknown;
  decision?: unknown;
  reason?: unknown;
  entityRef?: unknown;
  [key: string]: unknown;
}

const SEVERITY_OF_DECISION: Record<string, Severity> = {
  allow: 'info',
  ask: 'info',
  deny: 'warn',
  block: 'warn',
  error: 'error',
};

/**
 * A gateway audit record (model and tool calls of the assistant and of
 * outside clients, policy changes, approvals) as an event with source
 * `audit` and service `llm-gateway`. Its fields are kept under their own
 * names, flattened: `actor`, `kind`, `target`, `decision`, `rule`, `reason`,
 * `findings.<TYPE>`, `provider`, `inputTokens`, `costUsd`, `latencyMs`,
 * `entityRef`, plus `auditId` and `seq`. Returns undefined for a payload
 * that is not a record.
 */
export function auditRecordToEvent(payload: unknown): ParsedEvent | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const record = payload as AuditRecordLike;
  if (typeof record.kind !== 'string' || typeof record.decision !== 'string') {
    return undefined;
  }
  const { id, time, prevHash: _prev, hash: _hash, ...fields } = record;
  const attributes: Record<string, JsonValue> = flatten(fields);
  if (typeof id === 'string') attributes.auditId = id;
  const target = typeof record.target === 'string' ? record.target : '';
  const actor = typeof record.actor === 'string' ? record.actor : 'unknown';
  const reason = typeof record.reason === 'string' ? `: ${record.reason}` : '';
  return {
    timestamp: parseTimestamp(time) ?? Date.now(),
    severity: SEVERITY_OF_DECISION[record.decision] ?? 'info',
    message: `${record.kind} ${target} ${record.decision} for ${actor}${reason}`,
    service: 'llm-gateway',
    source: 'audit',
    attributes,
  };
}
