import { randomUUID } from 'node:crypto';
import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  AuditPage,
  AuditQuery,
  AuditRecord,
  AuditVerification,
} from '@pilothouse/plugin-llm-gateway-common';
import type { Knex } from 'knex';
import { z } from 'zod';
import { applyMigrations } from '../../database/migrations';
import type { GatewayMetrics } from '../Metrics/GatewayMetrics';
import type { AuditEntry, AuditLog, AuditRange } from '../types';
import { GENESIS_HASH, hashRecord } from './chain';

const AUDIT = 'llm_gateway_audit';
const HEAD = 'llm_gateway_audit_head';
const VERIFICATION = 'llm_gateway_audit_verification';

/** Rows read per query while verifying: the log is never loaded whole. */
const DEFAULT_VERIFY_PAGE_SIZE = 500;
const DEFAULT_QUERY_LIMIT = 50;
const MAX_QUERY_LIMIT = 500;

/**
 * A finding type (`EMAIL`, a custom rule's name) or a secret subtype
 * (`SECRET:aws-access-key`). Only these keys and counts are stored: an entry
 * has no place for the text that matched.
 */
export const FINDING_KEY = /^[A-Z][A-Z0-9_]{0,63}(:[a-z0-9][a-z0-9-]{0,63})?$/;

const auditEntrySchema = z
  .object({
    actor: z.string().min(1).max(255),
    kind: z.enum(['model', 'tool', 'inspect', 'policy-change', 'approval']),
    target: z.string().min(1).max(1000),
    entityRef: z.string().min(1).max(255).optional(),
    decision: z.enum(['allow', 'deny', 'ask', 'block', 'error']),
    rule: z.string().max(255).optional(),
    reason: z.string().max(2000).optional(),
    findings: z.record(
      z.string().regex(FINDING_KEY, 'finding keys are types, not values'),
      z.number().int().nonnegative(),
    ),
    provider: z.string().max(255).optional(),
    inputTokens: z.number().int().nonnegative().optional(),
    outputTokens: z.number().int().nonnegative().optional(),
    costUsd: z.number().nonnegative().finite().optional(),
    latencyMs: z.number().nonnegative().finite().optional(),
  })
  .strict();

interface AuditRow {
  seq: number | string;
  id: string;
  time: string;
  actor: string;
  kind: string;
  target: string;
  entity_ref: string | null;
  decision: string;
  rule: string | null;
  reason: string | null;
  findings: string;
  provider: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | string | null;
  latency_ms: number | null;
  prev_hash: string;
  hash: string;
}

interface VerificationRow {
  verified_at: string;
  ok: boolean | number;
  checked: number | string;
  from_seq: number | string | null;
  to_seq: number | string | null;
  broken_seq: number | string | null;
  broken_id: string | null;
  broken_reason: string | null;
}

function toRow(record: AuditRecord): AuditRow {
  return {
    seq: record.seq,
    id: record.id,
    time: record.time,
    actor: record.actor,
    kind: record.kind,
    target: record.target,
    entity_ref: record.entityRef ?? null,
    decision: record.decision,
    rule: record.rule ?? null,
    reason: record.reason ?? null,
    findings: JSON.stringify(sortKeys(record.findings)),
    provider: record.provider ?? null,
    input_tokens: record.inputTokens ?? null,
    output_tokens: record.outputTokens ?? null,
    cost_usd: record.costUsd ?? null,
    latency_ms: record.latencyMs ?? null,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

function fromRow(row: AuditRow): AuditRecord {
  const record: AuditRecord = {
    id: row.id,
    seq: Number(row.seq),
    time: row.time,
    actor: row.actor,
    kind: row.kind as AuditRecord['kind'],
    target: row.target,
    decision: row.decision as AuditRecord['decision'],
    findings: JSON.parse(row.findings),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.entity_ref !== null) record.entityRef = row.entity_ref;
  if (row.rule !== null) record.rule = row.rule;
  if (row.reason !== null) record.reason = row.reason;
  if (row.provider !== null) record.provider = row.provider;
  if (row.input_tokens !== null) record.inputTokens = Number(row.input_tokens);
  if (row.output_tokens !== null) {
    record.outputTokens = Number(row.output_tokens);
  }
  if (row.cost_usd !== null) record.costUsd = Number(row.cost_usd);
  if (row.latency_ms !== null) record.latencyMs = Number(row.latency_ms);
  return record;
}

function sortKeys(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** LIKE pattern text matching `value` literally (escape character `\`). */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, c => `\\${c}`);
}

/**
 * The audit log in the plugin's database (SQLite or PostgreSQL).
 *
 * Appends take the chain head's row lock before anything else, so appends
 * are serialised across connections and backend replicas and the chain
 * never forks. There is no update or delete here, and database triggers
 * refuse them (see migrations/20261125c_audit.js).
 */
export class DatabaseAuditLog implements AuditLog {
  static async create(options: {
    knex: Knex;
    database?: DatabaseService;
    logger: LoggerService;
    metrics?: GatewayMetrics;
    verifyPageSize?: number;
    /** Told of each record once it is committed (the log search feed). */
    onAppend?: (record: AuditRecord) => void;
  }): Promise<DatabaseAuditLog> {
    await applyMigrations(options.knex, options.database);
    return new DatabaseAuditLog(
      options.knex,
      options.logger,
      options.metrics,
      options.verifyPageSize ?? DEFAULT_VERIFY_PAGE_SIZE,
      options.onAppend,
    );
  }

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly metrics: GatewayMetrics | undefined,
    private readonly verifyPageSize: number,
    private readonly onAppend?: (record: AuditRecord) => void,
  ) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const parsed = auditEntrySchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `Invalid audit entry: ${issue.path.join('.') || 'entry'}: ${
          issue.message
        }`,
      );
    }
    const fields = {
      ...parsed.data,
      findings: sortKeys(parsed.data.findings),
      latencyMs:
        parsed.data.latencyMs === undefined
          ? undefined
          : Math.round(parsed.data.latencyMs),
    };

    const record = await this.knex.transaction(async tx => {
      // Updating the head first takes its row lock (PostgreSQL) or the
      // database's write lock (SQLite) before reading it; a read first
      // would let two SQLite writers deadlock when both upgrade.
      await tx(HEAD).where({ id: 1 }).increment('seq', 1);
      const head = await tx(HEAD).where({ id: 1 }).first();
      if (!head) {
        throw new Error('the audit chain head is missing');
      }
      const unhashed: Omit<AuditRecord, 'hash'> = {
        ...fields,
        id: randomUUID(),
        seq: Number(head.seq),
        time: new Date().toISOString(),
        prevHash: head.hash,
      };
      // Drop absent optional fields so that the record matches a read one.
      for (const key of Object.keys(unhashed) as Array<keyof typeof unhashed>) {
        if (unhashed[key] === undefined) delete unhashed[key];
      }
      const appended: AuditRecord = { ...unhashed, hash: hashRecord(unhashed) };
      await tx(AUDIT).insert(toRow(appended));
      await tx(HEAD).where({ id: 1 }).update({ hash: appended.hash });
      return appended;
    });

    this.metrics?.recordAudit(record);
    this.onAppend?.(record);
    return record;
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    const limit = Math.min(
      Math.max(query.limit ?? DEFAULT_QUERY_LIMIT, 1),
      MAX_QUERY_LIMIT,
    );
    const builder = this.knex<AuditRow>(AUDIT);
    if (query.actor) builder.where('actor', query.actor);
    if (query.entityRef) builder.where('entity_ref', query.entityRef);
    if (query.decision) builder.where('decision', query.decision);
    if (query.kind) builder.where('kind', query.kind);
    if (query.from) builder.where('time', '>=', query.from);
    if (query.to) builder.where('time', '<', query.to);
    if (query.before !== undefined) builder.where('seq', '<', query.before);
    if (query.findingType) {
      // Findings are stored as JSON with keys `"TYPE"` or `"TYPE:subtype"`.
      const literal = likeLiteral(`"${query.findingType}`);
      builder.where(inner => {
        inner
          .whereRaw(`?? like ? escape '\\'`, ['findings', `%${literal}":%`])
          .orWhereRaw(`?? like ? escape '\\'`, ['findings', `%${literal}:%`]);
      });
    }
    const rows: AuditRow[] = await builder
      .orderBy('seq', 'desc')
      .limit(limit + 1);
    const records = rows.slice(0, limit).map(fromRow);
    return rows.length > limit
      ? { records, nextBefore: records[records.length - 1].seq }
      : { records };
  }

  async verify(range: AuditRange = {}): Promise<AuditVerification> {
    const head = await this.knex(HEAD).where({ id: 1 }).first();
    const headSeq = Number(head?.seq ?? 0);
    const fromSeq = Math.max(range.fromSeq ?? 1, 1);
    const toSeq = Math.min(range.toSeq ?? headSeq, headSeq);
    const result = await this.walk(fromSeq, toSeq, headSeq, head?.hash);
    const verification: AuditVerification = {
      ...result,
      verifiedAt: new Date().toISOString(),
      ...(range.fromSeq !== undefined || range.toSeq !== undefined
        ? { fromSeq, toSeq }
        : {}),
    };
    await this.saveVerification(verification);
    this.metrics?.recordVerification(verification);
    if (verification.ok) {
      // The head in the log is an anchor outside the database: a rewrite of
      // the whole chain from some record on shows against an older line.
      this.logger.info('audit chain verified', {
        checked: verification.checked,
        headSeq,
        headHash: head?.hash,
      });
    } else {
      this.logger.error('audit chain is broken', {
        seq: verification.brokenAt?.seq,
        reason: verification.brokenAt?.reason,
      });
    }
    return verification;
  }

  async lastVerification(): Promise<AuditVerification | undefined> {
    const row: VerificationRow | undefined = await this.knex(VERIFICATION)
      .where({ id: 1 })
      .first();
    if (!row) {
      return undefined;
    }
    const verification: AuditVerification = {
      ok: Boolean(row.ok),
      checked: Number(row.checked),
      verifiedAt: row.verified_at,
    };
    if (row.from_seq !== null) verification.fromSeq = Number(row.from_seq);
    if (row.to_seq !== null) verification.toSeq = Number(row.to_seq);
    if (row.broken_seq !== null) {
      verification.brokenAt = {
        seq: Number(row.broken_seq),
        reason: row.broken_reason ?? '',
        ...(row.broken_id ? { id: row.broken_id } : {}),
      };
    }
    return verification;
  }

  /** Checks seq continuity, prev links and hashes from `fromSeq` to `toSeq`. */
  private async walk(
    fromSeq: number,
    toSeq: number,
    headSeq: number,
    headHash: string | undefined,
  ): Promise<Omit<AuditVerification, 'verifiedAt'>> {
    let checked = 0;
    if (fromSeq > toSeq) {
      return { ok: true, checked };
    }
    let prevHash = GENESIS_HASH;
    if (fromSeq > 1) {
      const before: AuditRow | undefined = await this.knex(AUDIT)
        .where({ seq: fromSeq - 1 })
        .first();
      if (!before) {
        return {
          ok: false,
          checked,
          brokenAt: {
            seq: fromSeq - 1,
            reason: `record ${fromSeq - 1} is missing`,
          },
        };
      }
      prevHash = before.hash;
    }

    let expected = fromSeq;
    for (;;) {
      const rows: AuditRow[] = await this.knex(AUDIT)
        .where('seq', '>=', expected)
        .andWhere('seq', '<=', toSeq)
        .orderBy('seq', 'asc')
        .limit(this.verifyPageSize);
      for (const row of rows) {
        const record = fromRow(row);
        if (record.seq !== expected) {
          return {
            ok: false,
            checked,
            brokenAt: {
              seq: expected,
              reason: `record ${expected} is missing (the next one is ${record.seq})`,
            },
          };
        }
        if (record.prevHash !== prevHash) {
          return {
            ok: false,
            checked,
            brokenAt: {
              seq: record.seq,
              id: record.id,
              reason: `its prev_hash is not the hash of record ${
                record.seq - 1
              }: that record was changed and re-hashed, or this link was changed`,
            },
          };
        }
        const { hash, ...unhashed } = record;
        if (hashRecord(unhashed) !== hash) {
          return {
            ok: false,
            checked,
            brokenAt: {
              seq: record.seq,
              id: record.id,
              reason:
                'its hash does not match its contents: the record was changed',
            },
          };
        }
        prevHash = hash;
        checked += 1;
        expected += 1;
      }
      if (rows.length < this.verifyPageSize) {
        break;
      }
    }

    if (expected <= toSeq) {
      return {
        ok: false,
        checked,
        brokenAt: {
          seq: expected,
          reason: `record ${expected} is missing (the chain head says the log reaches ${headSeq})`,
        },
      };
    }
    if (toSeq === headSeq && headHash !== undefined && headHash !== prevHash) {
      return {
        ok: false,
        checked,
        brokenAt: {
          seq: toSeq,
          reason: `record ${toSeq}'s hash is not the one the chain head recorded: the last record was replaced`,
        },
      };
    }
    return { ok: true, checked };
  }

  private async saveVerification(result: AuditVerification): Promise<void> {
    const row = {
      id: 1,
      verified_at: result.verifiedAt,
      ok: result.ok,
      checked: result.checked,
      from_seq: result.fromSeq ?? null,
      to_seq: result.toSeq ?? null,
      broken_seq: result.brokenAt?.seq ?? null,
      broken_id: result.brokenAt?.id ?? null,
      broken_reason: result.brokenAt?.reason ?? null,
    };
    await this.knex(VERIFICATION).insert(row).onConflict('id').merge();
  }
}
