// @ts-check

/**
 * Policy documents as code: every version of every policy, never updated in
 * place. The latest version of each name is the one in force.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('policy_versions', table => {
    table.comment('Every version of every gateway policy document');
    table.increments('id').primary();
    table.string('name', 64).notNullable().comment('Policy name (file name)');
    table.integer('version').notNullable().comment('1, 2, … per name');
    table.text('source').notNullable().comment('The YAML text');
    table
      .string('author', 255)
      .notNullable()
      .comment('User entity ref, or file:<file> for repository files');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.string('origin', 16).notNullable().comment('file, admin or restore');
    table.text('comment').nullable();
    table.unique(['name', 'version'], {
      indexName: 'policy_versions_name_version_idx',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('policy_versions');
};
