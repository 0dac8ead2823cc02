// @ts-check

/**
 * Stored log events with a full-text index on the message: an FTS5 table on
 * SQLite (contentless, so the text is stored once; deletable by rowid for
 * retention), a generated tsvector with a GIN index on PostgreSQL. Both see
 * the message as runs of letters and digits, lower-cased.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('log_events', table => {
    table.comment('Log events after parsing and enrichment');
    table
      .bigIncrements('seq')
      .comment('Arrival order; tie-break of the time order');
    table.string('id', 64).notNullable().unique();
    table.bigInteger('ts').notNullable().comment('Event time, epoch ms');
    table
      .bigInteger('observed_ts')
      .notNullable()
      .comment('Arrival time, epoch ms');
    table.string('severity', 8).notNullable();
    table.smallint('severity_rank').notNullable().comment('0 trace .. 5 fatal');
    table.string('service', 255).nullable();
    table.string('entity_ref', 255).nullable();
    table.string('source', 32).notNullable();
    table.string('trace_id', 64).nullable();
    table.string('span_id', 32).nullable();
    table.text('message').notNullable();
    if (pg) {
      table.jsonb('attributes').notNullable();
    } else {
      table.text('attributes').notNullable();
    }
    table
      .integer('bytes')
      .notNullable()
      .comment('Stored size, for retention by size');
    table.index(['ts', 'seq'], 'log_events_ts_idx');
    // With the rank, `service:x AND level:y` and a service's histogram are
    // answered from the index alone (queries compare the rank, not the name).
    table.index(
      ['service', 'ts', 'severity_rank'],
      'log_events_service_ts_idx',
    );
    // `level:error` without a service: errors are few.
    table.index(['severity_rank', 'ts'], 'log_events_severity_ts_idx');
    table.index(['trace_id'], 'log_events_trace_idx');
  });
  if (pg) {
    await knex.raw(
      `ALTER TABLE log_events ADD COLUMN search tsvector GENERATED ALWAYS AS
         (to_tsvector('simple', regexp_replace(message, '[^[:alnum:]]+', ' ', 'g'))) STORED`,
    );
    await knex.raw(
      'CREATE INDEX log_events_search_idx ON log_events USING GIN (search)',
    );
  } else {
    await knex.raw(
      `CREATE VIRTUAL TABLE log_events_fts USING fts5(
         message, content='', contentless_delete=1,
         tokenize='unicode61 remove_diacritics 0')`,
    );
  }

  await knex.schema.createTable('log_saved_searches', table => {
    table.comment('Searches users saved for themselves');
    table.string('id', 64).primary();
    table.string('owner', 255).notNullable();
    table.string('name', 255).notNullable();
    table.text('query').notNullable();
    table.string('range', 64).nullable();
    table.string('created_at', 32).notNullable();
    table.index(['owner'], 'log_saved_searches_owner_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('log_saved_searches');
  if (knex.client.config.client !== 'pg') {
    await knex.raw('DROP TABLE log_events_fts');
  }
  await knex.schema.dropTable('log_events');
};
