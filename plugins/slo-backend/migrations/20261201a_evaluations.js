// @ts-check

/**
 * The last evaluation of each SLO, so the SLO pages and the gateway have an
 * answer (with its time) when Prometheus is down or the portal restarts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('slo_evaluations', table => {
    table.comment('Last evaluation of each SLO entity');
    table
      .string('entity_ref')
      .primary()
      .notNullable()
      .comment('slo:<namespace>/<name>');
    table
      .text('summary')
      .notNullable()
      .comment('JSON: the SloSummary figures of the last successful evaluation');
    table
      .string('status')
      .notNullable()
      .comment('ok | warning | burning | unknown, of the last successful evaluation');
    table
      .string('status_since')
      .notNullable()
      .comment('ISO 8601, UTC: first evaluation with this status');
    table
      .string('evaluated_at')
      .notNullable()
      .comment('ISO 8601, UTC: last successful evaluation');
    table
      .text('error')
      .nullable()
      .comment('Why the latest attempt failed; null when it succeeded');
    table
      .string('attempted_at')
      .notNullable()
      .comment('ISO 8601, UTC: latest attempt');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('slo_evaluations');
};
