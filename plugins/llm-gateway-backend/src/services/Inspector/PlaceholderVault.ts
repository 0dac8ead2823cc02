import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
} from 'node:crypto';
import type { Knex } from 'knex';
import type { InspectionKeys } from './keys';

const TABLE = 'llm_gateway_inspection_vault';

/** Whose placeholders: one principal in one conversation. */
export interface VaultScope {
  principalRef: string;
  conversationId: string;
}

export interface VaultItem {
  type: string;
  /** The value as written, restored later. */
  value: string;
  /** What makes two spellings the same value (`+14155552671`). */
  normalized: string;
}

/** Placeholders as the vault numbers them: `[EMAIL_1]`. */
export function placeholderFor(type: string, index: number): string {
  return `[${type}_${index}]`;
}

/** A redaction in output: not restorable, and never mistaken for one that is. */
export function withheldPlaceholderFor(type: string, index: number): string {
  return `[WITHHELD_${type}_${index}]`;
}

export const PLACEHOLDER_PATTERN = /\[([A-Z][A-Z0-9_]*?)_(\d+)\]/g;

/**
 * Redacted values, so that the same value gets the same placeholder within
 * a conversation and the user who sent it gets it back. Values are
 * AES-256-GCM encrypted (the row's digest is the associated data, so a
 * ciphertext moved to another row does not decrypt); rows are found by a
 * keyed digest, never by the value. Entries expire `ttlMs` after last use.
 */
export class DatabasePlaceholderVault {
  private lastSweep = 0;

  constructor(
    private readonly knex: Knex,
    private readonly keys: InspectionKeys,
    private readonly ttlMs: number,
  ) {}

  private digest(
    scope: VaultScope,
    item: { type: string; normalized: string },
  ) {
    return createHmac('sha256', this.keys.vaultDigest)
      .update(
        [
          scope.principalRef,
          scope.conversationId,
          item.type,
          item.normalized,
        ].join('\0'),
      )
      .digest('hex');
  }

  private encrypt(value: string, digest: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.vaultEncryption, iv);
    cipher.setAAD(Buffer.from(digest));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
  }

  private decrypt(ciphertext: string, digest: string): string {
    const raw = Buffer.from(ciphertext, 'base64');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.keys.vaultEncryption,
      raw.subarray(0, 12),
    );
    decipher.setAAD(Buffer.from(digest));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([
      decipher.update(raw.subarray(28)),
      decipher.final(),
    ]).toString('utf8');
  }

  /** Deletes expired entries, at most once a minute per process. */
  private async sweep(now: Date) {
    if (now.getTime() - this.lastSweep < 60_000) return;
    this.lastSweep = now.getTime();
    await this.knex(TABLE).where('expires_at', '<', now).delete();
  }

  /**
   * The placeholder of each item (by `type` + `normalized`), making new
   * ones numbered after the scope's existing ones of that type.
   */
  async assign(scope: VaultScope, items: VaultItem[]): Promise<string[]> {
    if (items.length === 0) return [];
    const now = new Date();
    await this.sweep(now);
    const where = {
      principal_ref: scope.principalRef,
      conversation_id: scope.conversationId,
    };
    const digests = items.map(item => this.digest(scope, item));
    // Two requests of one conversation can race for the next number: the
    // unique index refuses the loser, which reads again.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.knex.transaction(async tx => {
          await tx(TABLE)
            .where(where)
            .andWhere('expires_at', '<', now)
            .delete();
          const rows: Array<{
            value_digest: string;
            placeholder: string;
            finding_type: string;
          }> = await tx(TABLE)
            .where(where)
            .select('value_digest', 'placeholder', 'finding_type');
          const byDigest = new Map(
            rows.map(r => [r.value_digest, r.placeholder]),
          );
          const next = new Map<string, number>();
          for (const row of rows) {
            const index = Number(/_(\d+)\]$/.exec(row.placeholder)?.[1] ?? 0);
            next.set(
              row.finding_type,
              Math.max(next.get(row.finding_type) ?? 0, index),
            );
          }
          const expiresAt = new Date(now.getTime() + this.ttlMs);
          const fresh: Array<Record<string, unknown>> = [];
          const result = items.map((item, i) => {
            const known = byDigest.get(digests[i]);
            if (known) return known;
            const index = (next.get(item.type) ?? 0) + 1;
            next.set(item.type, index);
            const placeholder = placeholderFor(item.type, index);
            byDigest.set(digests[i], placeholder);
            fresh.push({
              ...where,
              finding_type: item.type,
              value_digest: digests[i],
              placeholder,
              ciphertext: this.encrypt(item.value, digests[i]),
              created_at: now,
              expires_at: expiresAt,
            });
            return placeholder;
          });
          if (fresh.length > 0)
            await tx.batchInsert(TABLE, fresh as any[], 200);
          const reused = digests.filter(
            d => !fresh.some(f => f.value_digest === d),
          );
          if (reused.length > 0) {
            // Sliding expiry: a conversation in use keeps its placeholders.
            await tx(TABLE)
              .where(where)
              .whereIn('value_digest', [...new Set(reused)])
              .update({ expires_at: expiresAt });
          }
          return result;
        });
      } catch (error) {
        if (attempt >= 4 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  /** The values behind these placeholders, for this scope only. */
  async resolve(
    scope: VaultScope,
    placeholders: string[],
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (placeholders.length === 0) return found;
    const rows: Array<{
      placeholder: string;
      value_digest: string;
      ciphertext: string;
    }> = await this.knex(TABLE)
      .where({
        principal_ref: scope.principalRef,
        conversation_id: scope.conversationId,
      })
      .whereIn('placeholder', [...new Set(placeholders)])
      .andWhere('expires_at', '>=', new Date())
      .select('placeholder', 'value_digest', 'ciphertext');
    for (const row of rows) {
      found.set(
        row.placeholder,
        this.decrypt(row.ciphertext, row.value_digest),
      );
    }
    return found;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed|duplicate key/i.test(e?.message ?? '')
  );
}
