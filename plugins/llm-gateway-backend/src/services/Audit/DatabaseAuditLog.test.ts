import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import type { AuditRecord } from '@pilothouse/plugin-llm-gateway-common';
import type { Knex } from 'knex';
import type { AuditEntry } from '../types';
import { GENESIS_HASH, hashRecord } from './chain';
import { DatabaseAuditLog } from './DatabaseAuditLog';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: 'user:default/alice',
    kind: 'model',
    target: 'claude-sonnet',
    decision: 'allow',
    rule: 'default',
    reason: 'allowed by default',
    findings: {},
    provider: 'anthropic',
    inputTokens: 120,
    outputTokens: 40,
    costUsd: 0.00096,
    latencyMs: 812,
    ...overrides,
  };
}

async function setup(databaseId: TestDatabaseId, verifyPageSize?: number) {
  const knex = await databases.init(databaseId);
  const log = await DatabaseAuditLog.create({
    knex,
    logger: mockServices.logger.mock(),
    verifyPageSize,
  });
  return { knex, log };
}

async function appendMany(log: DatabaseAuditLog, count: number) {
  const records: AuditRecord[] = [];
  for (let i = 0; i < count; i++) {
    records.push(await log.append(entry({ target: `model-${i + 1}` })));
  }
  return records;
}

/**
 * Changes the table the way someone with the database's superuser would:
 * past the append-only triggers.
 */
async function tamper(
  knex: Knex,
  databaseId: TestDatabaseId,
  change: (db: Knex) => Promise<unknown>,
) {
  if (databaseId.startsWith('POSTGRES')) {
    await knex.transaction(async tx => {
      await tx.raw('SET LOCAL session_replication_role = replica');
      await change(tx);
    });
  } else {
    await knex.raw('DROP TRIGGER IF EXISTS llm_gateway_audit_no_update');
    await knex.raw('DROP TRIGGER IF EXISTS llm_gateway_audit_no_delete');
    await change(knex);
  }
}

describe('DatabaseAuditLog', () => {
  it.each(databases.eachSupportedId())(
    'chains each record to the one before, from the genesis hash (%p)',
    async databaseId => {
      const { log } = await setup(databaseId);
      const first = await log.append(
        entry({ findings: { EMAIL: 2, 'SECRET:aws-access-key': 1 } }),
      );
      const second = await log.append(
        entry({
          kind: 'tool',
          target: 'kubernetes.list_pods',
          decision: 'deny',
        }),
      );

      expect(first.seq).toBe(1);
      expect(first.prevHash).toBe(GENESIS_HASH);
      expect(second.seq).toBe(2);
      expect(second.prevHash).toBe(first.hash);
      const { hash, ...unhashed } = second;
      expect(hashRecord(unhashed)).toBe(hash);

      const page = await log.query({});
      expect(page.records).toEqual([second, first]);
      expect(page.nextBefore).toBeUndefined();

      const verification = await log.verify();
      expect(verification).toMatchObject({ ok: true, checked: 2 });
      expect(await log.lastVerification()).toEqual(verification);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps one chain under 50 concurrent appends (%p)',
    async databaseId => {
      const { log } = await setup(databaseId);
      const records = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          log.append(entry({ target: `model-${i}` })),
        ),
      );
      expect(new Set(records.map(r => r.seq)).size).toBe(50);
      expect(Math.max(...records.map(r => r.seq))).toBe(50);
      expect(await log.verify()).toMatchObject({ ok: true, checked: 50 });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps one chain when two backend replicas append at once (%p)',
    async databaseId => {
      // Two stores on one database, as two replicas on one PostgreSQL have.
      const { knex, log } = await setup(databaseId);
      const other = await DatabaseAuditLog.create({
        knex,
        logger: mockServices.logger.mock(),
      });
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? log : other).append(entry({ target: `model-${i}` })),
        ),
      );
      expect(await other.verify()).toMatchObject({ ok: true, checked: 20 });
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses to update or delete records in the database (%p)',
    async databaseId => {
      const { knex, log } = await setup(databaseId);
      await log.append(entry());
      // Matched by message: better-sqlite3 builds its errors with the Error
      // of the first test file that loaded it, so instanceof checks fail.
      const refusal = { message: expect.stringMatching(/append-only/) };
      await expect(
        knex('llm_gateway_audit').update({ decision: 'deny' }),
      ).rejects.toMatchObject(refusal);
      await expect(knex('llm_gateway_audit').delete()).rejects.toMatchObject(
        refusal,
      );
      expect(await log.verify()).toMatchObject({ ok: true, checked: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    'reports the record whose field was changed (%p)',
    async databaseId => {
      const { knex, log } = await setup(databaseId);
      const records = await appendMany(log, 5);
      await tamper(knex, databaseId, db =>
        db('llm_gateway_audit').where({ seq: 3 }).update({ decision: 'deny' }),
      );

      const verification = await log.verify();
      expect(verification.ok).toBe(false);
      expect(verification.checked).toBe(2);
      expect(verification.brokenAt).toEqual({
        seq: 3,
        id: records[2].id,
        reason: expect.stringMatching(/does not match its contents/),
      });
      expect(await log.lastVerification()).toEqual(verification);
    },
  );

  it.each(databases.eachSupportedId())(
    'reports a deleted record as a gap in the chain (%p)',
    async databaseId => {
      const { knex, log } = await setup(databaseId);
      await appendMany(log, 5);
      await tamper(knex, databaseId, db =>
        db('llm_gateway_audit').where({ seq: 4 }).delete(),
      );
      expect((await log.verify()).brokenAt).toEqual({
        seq: 4,
        reason: 'record 4 is missing (the next one is 5)',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'reports deleted records at the end against the chain head (%p)',
    async databaseId => {
      const { knex, log } = await setup(databaseId);
      await appendMany(log, 5);
      await tamper(knex, databaseId, db =>
        db('llm_gateway_audit').where('seq', '>=', 4).delete(),
      );
      expect((await log.verify()).brokenAt).toEqual({
        seq: 4,
        reason: 'record 4 is missing (the chain head says the log reaches 5)',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'reports a forged record that was re-hashed, at the next record (%p)',
    async databaseId => {
      const { knex, log } = await setup(databaseId);
      const records = await appendMany(log, 5);
      const forged = {
        ...records[1],
        decision: 'allow' as const,
        reason: 'ok',
      };
      const { hash: _old, ...unhashed } = forged;
      await tamper(knex, databaseId, db =>
        db('llm_gateway_audit')
          .where({ seq: 2 })
          .update({ reason: 'ok', hash: hashRecord(unhashed) }),
      );

      const verification = await log.verify();
      expect(verification.checked).toBe(2);
      expect(verification.brokenAt).toEqual({
        seq: 3,
        id: records[2].id,
        reason: expect.stringMatching(/not the hash of record 2/),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'reports a re-hashed last record against the chain head (%p)',
    async databaseId => {
      const { knex, log } = await setup(databaseId);
      const records = await appendMany(log, 3);
      const { hash: _old, ...unhashed } = { ...records[2], target: 'other' };
      await tamper(knex, databaseId, db =>
        db('llm_gateway_audit')
          .where({ seq: 3 })
          .update({ target: 'other', hash: hashRecord(unhashed) }),
      );
      expect((await log.verify()).brokenAt).toEqual({
        seq: 3,
        reason: expect.stringMatching(/not the one the chain head recorded/),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'verifies page by page and by range (%p)',
    async databaseId => {
      const { knex, log } = await setup(databaseId, 7);
      await appendMany(log, 20);
      expect(await log.verify()).toMatchObject({ ok: true, checked: 20 });

      await tamper(knex, databaseId, db =>
        db('llm_gateway_audit')
          .where({ seq: 16 })
          .update({ actor: 'user:x/y' }),
      );
      expect(await log.verify()).toMatchObject({
        ok: false,
        checked: 15,
        brokenAt: { seq: 16 },
      });
      expect(await log.verify({ fromSeq: 5, toSeq: 12 })).toMatchObject({
        ok: true,
        checked: 8,
        fromSeq: 5,
        toSeq: 12,
      });
      expect(await log.verify({ fromSeq: 14 })).toMatchObject({
        ok: false,
        checked: 2,
        brokenAt: { seq: 16 },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'filters by actor, entity, decision, kind, finding type and time, newest first (%p)',
    async databaseId => {
      const { log } = await setup(databaseId);
      const a = await log.append(
        entry({ findings: { 'SECRET:aws-access-key': 1 } }),
      );
      const b = await log.append(
        entry({
          actor: 'user:default/bob',
          entityRef: 'component:default/payments',
          decision: 'block',
          findings: { US_SSN: 1, EMAIL: 3 },
        }),
      );
      const c = await log.append(
        entry({
          kind: 'tool',
          target: 'aws.describe_instances',
          findings: { USXSSN: 1 },
        }),
      );

      const seqs = async (q: Parameters<typeof log.query>[0]) =>
        (await log.query(q)).records.map(r => r.seq);
      expect(await seqs({ actor: 'user:default/alice' })).toEqual([
        c.seq,
        a.seq,
      ]);
      expect(await seqs({ entityRef: 'component:default/payments' })).toEqual([
        b.seq,
      ]);
      expect(await seqs({ decision: 'block' })).toEqual([b.seq]);
      expect(await seqs({ kind: 'tool' })).toEqual([c.seq]);
      expect(await seqs({ findingType: 'SECRET' })).toEqual([a.seq]);
      expect(await seqs({ findingType: 'SECRET:aws-access-key' })).toEqual([
        a.seq,
      ]);
      // `_` is a LIKE wildcard: it must match only itself.
      expect(await seqs({ findingType: 'US_SSN' })).toEqual([b.seq]);
      expect(await seqs({ findingType: 'EMAIL' })).toEqual([b.seq]);
      expect(await seqs({ from: b.time })).toEqual(
        // a may share b's millisecond; then it is from b's time on too.
        [c, b, a].filter(r => r.time >= b.time).map(r => r.seq),
      );
      expect(await seqs({ to: '2000-01-01T00:00:00.000Z' })).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages backwards with nextBefore (%p)',
    async databaseId => {
      const { log } = await setup(databaseId);
      await appendMany(log, 5);
      const first = await log.query({ limit: 2 });
      expect(first.records.map(r => r.seq)).toEqual([5, 4]);
      expect(first.nextBefore).toBe(4);
      const second = await log.query({ limit: 2, before: first.nextBefore });
      expect(second.records.map(r => r.seq)).toEqual([3, 2]);
      const last = await log.query({ limit: 2, before: second.nextBefore });
      expect(last.records.map(r => r.seq)).toEqual([1]);
      expect(last.nextBefore).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'takes finding counts only, never matched values (%p)',
    async databaseId => {
      const { log } = await setup(databaseId);
      await expect(
        log.append(entry({ findings: { 'SECRET:AKIAIOSFODNN7EXAMPLE/x': 1 } })),
      ).rejects.toThrow(InputError);
      await expect(
        log.append({
          ...entry(),
          values: ['AKIAIOSFODNN7EXAMPLE'],
        } as AuditEntry),
      ).rejects.toThrow(/Unrecognized key/);
      await expect(
        log.append(entry({ findings: { EMAIL: 0.5 } })),
      ).rejects.toThrow(/findings.EMAIL/);
      expect((await log.query({})).records).toEqual([]);
    },
  );
});

describe('DatabaseAuditLog onAppend', () => {
  it.each(databases.eachSupportedId())(
    'tells of each record after it is committed, as stored (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const told: AuditRecord[] = [];
      const log = await DatabaseAuditLog.create({
        knex,
        logger: mockServices.logger.mock(),
        onAppend: record => told.push(record),
      });
      const appended = await log.append(
        entry({ decision: 'deny', kind: 'tool' }),
      );
      expect(told).toEqual([appended]);
      expect((await log.query({})).records).toEqual([appended]);
      // A refused entry is not told of.
      await expect(log.append(entry({ actor: '' }))).rejects.toThrow(
        InputError,
      );
      expect(told).toHaveLength(1);
    },
  );
});
