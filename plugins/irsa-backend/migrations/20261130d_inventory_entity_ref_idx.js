// @ts-check

/**
 * Entity views read the roles tagged for one entity from the inventory.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('irsa_inventory_bindings', table => {
    table.index(['entity_ref'], 'irsa_inventory_entity_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('irsa_inventory_bindings', table => {
    table.dropIndex(['entity_ref'], 'irsa_inventory_entity_ref_idx');
  });
};
