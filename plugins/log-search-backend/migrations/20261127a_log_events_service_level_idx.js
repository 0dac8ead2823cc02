// @ts-check

/**
 * `service:x AND level:y`, the query people type most, as an index range:
 * equal service, equal level rank, newest first. With only the
 * (service, ts, severity_rank) index it read and sorted every event of the
 * service in the range (about 320 ms at a million events, three times slower
 * than grep over the same lines); with this one, about 14 ms. It costs the
 * store about 15% of its ingest rate (8,800 against 10,200-10,900 events/s
 * at 200,000 events without detections).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('log_events', table => {
    table.index(
      ['service', 'severity_rank', 'ts'],
      'log_events_service_level_ts_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('log_events', table => {
    table.dropIndex(
      ['service', 'severity_rank', 'ts'],
      'log_events_service_level_ts_idx',
    );
  });
};
