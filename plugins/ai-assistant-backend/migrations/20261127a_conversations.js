// @ts-check

/**
 * The assistant's conversations and their messages. A paused turn keeps
 * what it needs to go on (the model transcript so far and the tool calls
 * still to run) in `turn_state`, so it survives a restart of the portal.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_assistant_conversations', table => {
    table.comment('AI assistant conversations, one owner each');
    table.string('id').primary().notNullable().comment('UUID');
    table
      .string('owner')
      .notNullable()
      .comment('User ref of the one person who may read it');
    table.string('title').notNullable();
    table
      .string('entity_ref')
      .nullable()
      .comment('Entity page it was started from');
    table.string('created_at').notNullable().comment('ISO 8601, UTC');
    table.string('updated_at').notNullable().comment('ISO 8601, UTC');
    table.index(
      ['owner', 'updated_at'],
      'ai_assistant_conversations_owner_idx',
    );
  });
  await knex.schema.createTable('ai_assistant_messages', table => {
    table.comment('Messages of a conversation: user texts and assistant turns');
    table.string('id').primary().notNullable().comment('UUID');
    table
      .string('conversation_id')
      .notNullable()
      .references('id')
      .inTable('ai_assistant_conversations')
      .onDelete('CASCADE');
    table
      .integer('position')
      .notNullable()
      .comment('Order within the conversation, from 1');
    table.string('role').notNullable().comment('user | assistant');
    table.text('text').notNullable();
    table
      .text('tool_calls')
      .notNullable()
      .comment('JSON: ToolCallRecord[] of the turn');
    table
      .string('status')
      .nullable()
      .comment('running | awaiting_approval | done | failed | cancelled');
    table.string('entity_ref').nullable();
    table.text('error').nullable().comment('JSON: AssistantError');
    table
      .string('approval_id')
      .nullable()
      .comment('The approval a paused turn waits for');
    table
      .text('turn_state')
      .nullable()
      .comment('JSON: model transcript of the turn and the calls left to run');
    table.string('created_at').notNullable().comment('ISO 8601, UTC');
    table.unique(['conversation_id', 'position'], {
      indexName: 'ai_assistant_messages_position_idx',
    });
    table.index(['approval_id'], 'ai_assistant_messages_approval_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_assistant_messages');
  await knex.schema.dropTable('ai_assistant_conversations');
};
