// @ts-check

/**
 * Approval records of the LLM gateway's tool routing: one per tool call that
 * policy answered with `ask`, bound to that exact call by a hash.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('llm_gateway_approvals', table => {
    table.comment(
      'Tool calls waiting for, or given, a yes (confirm or approval)',
    );
    table.string('id').primary().notNullable().comment('UUID');
    table
      .string('requester')
      .notNullable()
      .comment('User or service ref who asked');
    table.string('tool').notNullable().comment('server.tool');
    table
      .text('arguments')
      .notNullable()
      .comment('JSON: exactly what will run');
    table
      .string('arguments_hash')
      .notNullable()
      .comment(
        'sha256 of the canonical JSON (keys sorted) of tool and arguments',
      );
    table.string('entity_ref').nullable();
    table.text('reason').notNullable().comment('Why policy asked');
    table.string('rule').nullable().comment('The policy rule that asked');
    table.string('mode').notNullable().comment('confirm | approval');
    table
      .string('status')
      .notNullable()
      .comment('pending | approved | rejected | expired | used');
    table.string('decided_by').nullable();
    table.string('decided_at').nullable().comment('ISO 8601, UTC');
    table.string('created_at').notNullable().comment('ISO 8601, UTC');
    table.string('expires_at').notNullable().comment('ISO 8601, UTC');
    table.index(['requester', 'status'], 'llm_gateway_approvals_requester_idx');
    table.index(['status'], 'llm_gateway_approvals_status_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('llm_gateway_approvals');
};
