import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ApprovalMode,
  ApprovalRecord,
  ApprovalStatus,
} from '@pilothouse/plugin-llm-gateway-common';
import { configure } from 'safe-stable-stringify';

/** Key order does not change what an approval is bound to. */
const stableStringify = configure({ deterministic: true });
import type { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';

const TABLE = 'llm_gateway_approvals';

/**
 * Binds an approval to one call: sha256 of the canonical JSON (keys sorted) of the
 * tool and its arguments, so key order and spacing do not matter and any
 * other value does.
 */
export function hashToolCall(
  tool: string,
  args: Record<string, unknown>,
): string {
  return createHash('sha256')
    .update(stableStringify({ tool, arguments: args }) ?? '')
    .digest('hex');
}

export interface NewApproval {
  requester: string;
  tool: string;
  arguments: Record<string, unknown>;
  entityRef?: string;
  reason: string;
  rule?: string;
  mode: ApprovalMode;
}

/** Storage of approval records; who may decide is the caller's business. */
export interface ApprovalStore {
  /**
   * Records a pending approval, or returns the requester's pending one for
   * the identical call (a retry does not pile up requests).
   */
  create(approval: NewApproval): Promise<ApprovalRecord>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** Newest first. `requester` and `statuses` filter; both match with OR. */
  list(filter: {
    requester?: string;
    statuses?: ApprovalStatus[];
    limit?: number;
  }): Promise<ApprovalRecord[]>;
  /** pending → approved | rejected; ConflictError when already decided. */
  decide(
    id: string,
    status: 'approved' | 'rejected',
    decidedBy: string,
  ): Promise<ApprovalRecord>;
  /**
   * approved → used, once: for the same requester, tool and argument hash
   * only; ConflictError naming why otherwise.
   */
  consume(
    id: string,
    call: { requester: string; tool: string; argumentsHash: string },
  ): Promise<ApprovalRecord>;
}

type Row = {
  id: string;
  requester: string;
  tool: string;
  arguments: string;
  arguments_hash: string;
  entity_ref: string | null;
  reason: string;
  rule: string | null;
  mode: string;
  status: string;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  expires_at: string;
};

function toRecord(row: Row): ApprovalRecord {
  return {
    id: row.id,
    requester: row.requester,
    tool: row.tool,
    arguments: JSON.parse(row.arguments),
    argumentsHash: row.arguments_hash,
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    reason: row.reason,
    ...(row.rule ? { rule: row.rule } : {}),
    mode: row.mode as ApprovalMode,
    status: row.status as ApprovalStatus,
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: row.decided_at } : {}),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** Approval records in the plugin's database (SQLite or PostgreSQL). */
export class DatabaseApprovalStore implements ApprovalStore {
  static create(options: { knex: Knex; ttlMinutes: number; now?: () => Date }) {
    return new DatabaseApprovalStore(
      options.knex,
      options.ttlMinutes,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly knex: Knex,
    private readonly ttlMinutes: number,
    private readonly now: () => Date,
  ) {}

  async create(approval: NewApproval): Promise<ApprovalRecord> {
    await this.expireDue();
    const argumentsHash = hashToolCall(approval.tool, approval.arguments);
    const existing = await this.knex<Row>(TABLE)
      .where({
        requester: approval.requester,
        arguments_hash: argumentsHash,
        status: 'pending',
      })
      .first();
    if (existing) return toRecord(existing);
    const now = this.now();
    const row: Row = {
      id: randomUUID(),
      requester: approval.requester,
      tool: approval.tool,
      arguments: JSON.stringify(approval.arguments),
      arguments_hash: argumentsHash,
      entity_ref: approval.entityRef ?? null,
      reason: approval.reason,
      rule: approval.rule ?? null,
      mode: approval.mode,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      created_at: now.toISOString(),
      expires_at: new Date(
        now.getTime() + this.ttlMinutes * 60_000,
      ).toISOString(),
    };
    await this.knex(TABLE).insert(row);
    return toRecord(row);
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    await this.expireDue();
    const row = await this.knex<Row>(TABLE).where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async list(filter: {
    requester?: string;
    statuses?: ApprovalStatus[];
    limit?: number;
  }): Promise<ApprovalRecord[]> {
    await this.expireDue();
    const rows = await this.knex<Row>(TABLE)
      .where(q => {
        if (filter.requester) q.orWhere('requester', filter.requester);
        if (filter.statuses?.length) q.orWhereIn('status', filter.statuses);
      })
      .orderBy('created_at', 'desc')
      .limit(filter.limit ?? 200);
    return rows.map(toRecord);
  }

  async decide(
    id: string,
    status: 'approved' | 'rejected',
    decidedBy: string,
  ): Promise<ApprovalRecord> {
    await this.expireDue();
    const updated = await this.knex(TABLE)
      .where({ id, status: 'pending' })
      .update({
        status,
        decided_by: decidedBy,
        decided_at: this.now().toISOString(),
      });
    const record = await this.get(id);
    if (!record) throw new NotFoundError(`No approval "${id}"`);
    if (updated === 0) {
      throw new ConflictError(
        `Approval "${id}" is ${record.status}, it can no longer be decided`,
      );
    }
    return record;
  }

  async consume(
    id: string,
    call: { requester: string; tool: string; argumentsHash: string },
  ): Promise<ApprovalRecord> {
    const record = await this.get(id);
    if (!record) throw new NotFoundError(`No approval "${id}"`);
    if (record.requester !== call.requester) {
      throw new ConflictError(
        `Approval "${id}" was asked for by ${record.requester}, not by ${call.requester}`,
      );
    }
    if (
      record.tool !== call.tool ||
      record.argumentsHash !== call.argumentsHash
    ) {
      throw new ConflictError(
        `Approval "${id}" was given for another call (${record.tool} with other arguments); ask again for this one`,
      );
    }
    if (record.status !== 'approved') {
      throw new ConflictError(
        `Approval "${id}" is ${record.status}, not approved`,
      );
    }
    // One use only, even when two calls race: the update that wins is the use.
    const used = await this.knex(TABLE)
      .where({ id, status: 'approved' })
      .andWhere('expires_at', '>', this.now().toISOString())
      .update({ status: 'used' });
    if (used === 0) {
      const now = await this.get(id);
      throw new ConflictError(
        `Approval "${id}" is ${now?.status ?? 'gone'}, not approved`,
      );
    }
    return { ...record, status: 'used' };
  }

  /** Pending and approved records past their time become expired. */
  private async expireDue() {
    await this.knex(TABLE)
      .whereIn('status', ['pending', 'approved'])
      .andWhere('expires_at', '<=', this.now().toISOString())
      .update({ status: 'expired' });
  }
}
