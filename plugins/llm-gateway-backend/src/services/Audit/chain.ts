import { createHash } from 'node:crypto';
import type { AuditRecord } from '@pilothouse/plugin-llm-gateway-common';
import { configure } from 'safe-stable-stringify';

/** What the first record's `prevHash` is. */
export const GENESIS_HASH = '0'.repeat(64);

// Keys sorted at every level, no whitespace: the same record always gives
// the same text, whichever order its fields were built in.
const canonicalJson = configure({
  deterministic: true,
  bigint: false,
  circularValue: Error,
});

/**
 * The text a record's hash covers: every field but `hash`, absent optional
 * fields as null, as JSON with sorted keys. README documents it so that an
 * auditor can recompute hashes without this code.
 */
export function canonicalRecord(record: Omit<AuditRecord, 'hash'>): string {
  const fields = {
    seq: record.seq,
    id: record.id,
    time: record.time,
    actor: record.actor,
    kind: record.kind,
    target: record.target,
    entityRef: record.entityRef ?? null,
    decision: record.decision,
    rule: record.rule ?? null,
    reason: record.reason ?? null,
    findings: record.findings,
    provider: record.provider ?? null,
    inputTokens: record.inputTokens ?? null,
    outputTokens: record.outputTokens ?? null,
    costUsd: record.costUsd ?? null,
    latencyMs: record.latencyMs ?? null,
    prevHash: record.prevHash,
  };
  const text = canonicalJson(fields);
  if (text === undefined) {
    throw new Error('audit record cannot be serialised');
  }
  return text;
}

/** SHA-256 (hex) of the canonical record, which includes `prevHash`. */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalRecord(record)).digest('hex');
}
