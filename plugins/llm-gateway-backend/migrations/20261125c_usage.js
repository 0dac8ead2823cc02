// @ts-check

/*
 * Token usage and cost per UTC day, for reporting: one row per day and
 * subject (a user, a team, a service or a catalog entity). Quotas count in
 * Redis or memory; this table is what stays.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_gateway_usage', table => {
    table.comment('LLM gateway token usage and cost per day and subject');
    table.string('day', 10).notNullable();
    table.string('scope', 16).notNullable();
    table.string('subject', 255).notNullable();
    table.bigInteger('calls').notNullable().defaultTo(0);
    table.bigInteger('tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
    table.primary(['day', 'scope', 'subject']);
    table.index(['scope', 'subject', 'day'], 'llm_gateway_usage_subject_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_gateway_usage');
};
