// @ts-check

/**
 * The estate-wide inventory: one row per binding, rebuilt by the scheduled refresh, and one
 * row per AWS account or cluster it reads (when it last succeeded, whether it is stale).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('irsa_inventory_bindings', table => {
    table.comment('Bindings of the estate, as of the last refresh');
    table.string('id', 64).primary().comment('Hash of source, cluster, namespace, service account, role');
    table.string('source', 16).notNullable().comment('annotation | trust | tag');
    table.string('cluster', 255).nullable();
    table.string('namespace', 255).nullable();
    table.string('service_account', 255).nullable();
    table.string('role_arn', 2048).nullable();
    table.string('role_account', 12).nullable();
    table.string('entity_ref', 255).nullable();
    table.string('owner', 255).nullable();
    table.integer('severity_rank').notNullable().comment('0 critical .. 4 info, 5 none');
    table.text('codes').notNullable().comment('Finding codes, each between commas');
    table.text('binding').notNullable().comment('JSON of the InventoryBinding');
    table.boolean('stale').notNullable().defaultTo(false);
    table.timestamp('refreshed_at', { useTz: true }).notNullable();
    table.index(['owner'], 'irsa_inventory_owner_idx');
    table.index(['cluster', 'namespace'], 'irsa_inventory_cluster_ns_idx');
  });
  await knex.schema.createTable('irsa_inventory_sources', table => {
    table.comment('Accounts and clusters the inventory reads');
    table.string('kind', 16).notNullable();
    table.string('name', 255).notNullable();
    table.timestamp('refreshed_at', { useTz: true }).nullable();
    table.boolean('stale').notNullable().defaultTo(false);
    table.text('error').nullable();
    table.primary(['kind', 'name']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('irsa_inventory_sources');
  await knex.schema.dropTable('irsa_inventory_bindings');
};
