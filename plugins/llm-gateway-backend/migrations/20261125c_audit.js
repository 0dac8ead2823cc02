// @ts-check

/*
 * The gateway's audit log: one row per decision, hash-chained, append-only.
 *
 * - llm_gateway_audit: the records. `seq` is assigned under the chain-head
 *   lock, so it has no gaps and a missing number means a deleted record.
 * - llm_gateway_audit_head: one row, the last seq and hash. Appends lock it,
 *   so two writers (also two backend replicas) never fork the chain.
 * - llm_gateway_audit_verification: one row, the last verification result.
 *
 * Triggers reject UPDATE, DELETE (and TRUNCATE on PostgreSQL) of records, so
 * changing the log needs someone who can drop or bypass triggers; the hash
 * chain then shows what they did.
 */

const GENESIS_HASH = '0'.repeat(64);
const APPEND_ONLY_MESSAGE = 'llm_gateway_audit is append-only';

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_gateway_audit', table => {
    table.comment('LLM gateway decisions, hash-chained (see README)');
    table.bigInteger('seq').notNullable().primary();
    table.string('id', 36).notNullable().unique();
    // ISO 8601 UTC text exactly as hashed; sorts like the instant.
    table.string('time', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.string('kind', 32).notNullable();
    table.text('target').notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('decision', 16).notNullable();
    table.string('rule', 255).nullable();
    table.text('reason').nullable();
    // JSON object of counts by finding type, keys sorted; never raw values.
    table.text('findings').notNullable();
    table.string('provider', 255).nullable();
    table.integer('input_tokens').nullable();
    table.integer('output_tokens').nullable();
    table.double('cost_usd').nullable();
    table.integer('latency_ms').nullable();
    table.string('prev_hash', 64).notNullable();
    table.string('hash', 64).notNullable();
    table.index(['actor', 'seq'], 'llm_gateway_audit_actor_idx');
    table.index(['entity_ref', 'seq'], 'llm_gateway_audit_entity_idx');
    table.index(['decision', 'seq'], 'llm_gateway_audit_decision_idx');
    table.index(['time'], 'llm_gateway_audit_time_idx');
  });

  await knex.schema.createTable('llm_gateway_audit_head', table => {
    table.comment('The audit chain head: locked by every append');
    table.integer('id').notNullable().primary();
    table.bigInteger('seq').notNullable();
    table.string('hash', 64).notNullable();
  });
  await knex('llm_gateway_audit_head').insert({
    id: 1,
    seq: 0,
    hash: GENESIS_HASH,
  });

  await knex.schema.createTable('llm_gateway_audit_verification', table => {
    table.comment('The last audit chain verification');
    table.integer('id').notNullable().primary();
    table.string('verified_at', 32).notNullable();
    table.boolean('ok').notNullable();
    table.bigInteger('checked').notNullable();
    table.bigInteger('from_seq').nullable();
    table.bigInteger('to_seq').nullable();
    table.bigInteger('broken_seq').nullable();
    table.string('broken_id', 36).nullable();
    table.text('broken_reason').nullable();
  });

  if (isPostgres(knex)) {
    await knex.raw(`
      CREATE FUNCTION llm_gateway_audit_reject_change() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION '${APPEND_ONLY_MESSAGE}';
      END
      $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER llm_gateway_audit_append_only
      BEFORE UPDATE OR DELETE ON llm_gateway_audit
      FOR EACH ROW EXECUTE FUNCTION llm_gateway_audit_reject_change()`);
    await knex.raw(`
      CREATE TRIGGER llm_gateway_audit_no_truncate
      BEFORE TRUNCATE ON llm_gateway_audit
      FOR EACH STATEMENT EXECUTE FUNCTION llm_gateway_audit_reject_change()`);
  } else {
    await knex.raw(`
      CREATE TRIGGER llm_gateway_audit_no_update
      BEFORE UPDATE ON llm_gateway_audit
      BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY_MESSAGE}'); END`);
    await knex.raw(`
      CREATE TRIGGER llm_gateway_audit_no_delete
      BEFORE DELETE ON llm_gateway_audit
      BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY_MESSAGE}'); END`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_gateway_audit_verification');
  await knex.schema.dropTable('llm_gateway_audit_head');
  // Dropping the table drops its triggers in both databases.
  await knex.schema.dropTable('llm_gateway_audit');
  if (isPostgres(knex)) {
    await knex.raw('DROP FUNCTION llm_gateway_audit_reject_change()');
  }
};
