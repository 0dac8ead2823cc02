// @ts-check

/**
 * Detections (grouped matches of a rule), the events kept for each, the
 * correlation windows that must survive a restart, and per-service counts
 * per minute for the anomaly baselines. Times are ISO 8601 strings (they sort
 * as text) or epoch numbers where arithmetic is done on them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('log_search_detections', table => {
    table.string('id', 36).primary();
    table.string('rule_id', 255).notNullable();
    table.text('rule_title').notNullable();
    table.string('level', 20).notNullable();
    table.string('status', 20).notNullable().defaultTo('open');
    table.text('attack').notNullable().defaultTo('[]');
    table.string('entity_ref', 255).nullable();
    table.text('group_key').notNullable();
    table.integer('count').notNullable().defaultTo(0);
    table.string('first_seen', 30).notNullable();
    table.string('last_seen', 30).notNullable();
    table.string('acknowledged_by', 255).nullable();
    table.string('acknowledged_at', 30).nullable();
    table.string('resolved_by', 255).nullable();
    table.string('resolved_at', 30).nullable();
    table.text('note').nullable();
    table.index(
      ['rule_id', 'status', 'last_seen'],
      'log_search_detections_rule_idx',
    );
    table.index(['last_seen'], 'log_search_detections_last_seen_idx');
  });
  await knex.schema.createTable('log_search_detection_events', table => {
    table
      .string('detection_id', 36)
      .notNullable()
      .references('id')
      .inTable('log_search_detections')
      .onDelete('CASCADE');
    table.string('event_id', 255).notNullable();
    table.string('event_time', 30).notNullable();
    table.text('event').notNullable();
    table.primary(['detection_id', 'event_id']);
  });
  await knex.schema.createTable('log_search_correlation_windows', table => {
    table.string('window_id', 64).primary();
    table.string('correlation_id', 255).notNullable();
    table.text('group_key').notNullable();
    table.text('state').notNullable();
    table.bigInteger('expires_at').notNullable();
  });
  await knex.schema.createTable('log_search_service_counts', table => {
    table.string('service', 255).notNullable();
    /** Minutes since the epoch. */
    table.bigInteger('minute').notNullable();
    table.integer('total').notNullable();
    table.integer('errors').notNullable();
    /** The catalog entity the service maps to, when the events said. */
    table.string('entity_ref', 255).nullable();
    table.primary(['service', 'minute']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('log_search_service_counts');
  await knex.schema.dropTable('log_search_correlation_windows');
  await knex.schema.dropTable('log_search_detection_events');
  await knex.schema.dropTable('log_search_detections');
};
