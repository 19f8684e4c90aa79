// @ts-check

/**
 * Claims of service accounts by provisioning runs: one row per service account being
 * provisioned, so that two runs for the same service account (in any backend replica)
 * cannot both create a role. Inserted before a run writes, deleted when it ends.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('irsa_provision_claims', table => {
    table.comment('Service accounts a provisioning run is working on');
    table.string('cluster', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('service_account', 255).notNullable();
    table.string('holder', 255).notNullable().comment('Random id of the run that holds the claim');
    table.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['cluster', 'namespace', 'service_account']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('irsa_provision_claims');
};
