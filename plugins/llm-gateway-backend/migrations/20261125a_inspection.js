// @ts-check

/**
 * Inspection: the placeholder vault (redacted values, encrypted), admin
 * changes to detector settings, custom DLP rules, and the per-install keys.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_gateway_inspection_vault', table => {
    table.comment(
      'Redaction placeholders: one row per (principal, conversation, value); the value AES-256-GCM encrypted',
    );
    table.bigIncrements('id').primary();
    table.string('principal_ref', 255).notNullable();
    table.string('conversation_id', 255).notNullable();
    table.string('finding_type', 255).notNullable();
    table
      .string('value_digest', 64)
      .notNullable()
      .comment('Keyed HMAC of the normalised value, to find it again');
    table.string('placeholder', 300).notNullable();
    table.text('ciphertext').notNullable().comment('base64: iv, tag, data');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.unique(['principal_ref', 'conversation_id', 'value_digest'], {
      indexName: 'llm_gateway_inspection_vault_value_uniq',
    });
    table.unique(['principal_ref', 'conversation_id', 'placeholder'], {
      indexName: 'llm_gateway_inspection_vault_placeholder_uniq',
    });
    table.index(['expires_at'], 'llm_gateway_inspection_vault_expires_idx');
  });

  await knex.schema.createTable('llm_gateway_inspection_detectors', table => {
    table.comment('Admin changes to built-in detector settings');
    table.string('type', 255).primary();
    table.boolean('enabled').notNullable();
    table.string('input_action', 16).notNullable();
    table.string('output_action', 16).notNullable();
    table.float('min_confidence').notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('llm_gateway_inspection_rules', table => {
    table.comment('Custom DLP rules (regex or dictionary, with a data class)');
    table.string('name', 255).primary();
    table.text('definition').notNullable().comment('The DlpRule as JSON');
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('llm_gateway_inspection_meta', table => {
    table.comment('Per-install key material and one-time markers');
    table.string('key', 255).primary();
    table.text('value').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_gateway_inspection_meta');
  await knex.schema.dropTable('llm_gateway_inspection_rules');
  await knex.schema.dropTable('llm_gateway_inspection_detectors');
  await knex.schema.dropTable('llm_gateway_inspection_vault');
};
