// @ts-check

/**
 * Ownership reviews name one binding of the inventory (cluster, namespace, service account,
 * role) and keep the hash of the role as reviewed, so a later change shows the review stale.
 * A binding may have no owner (the "unowned" group), so owner becomes nullable.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('irsa_reviews', table => {
    table.string('cluster', 255).nullable();
    table.string('namespace', 255).nullable();
    table.string('service_account', 255).nullable();
    table.string('reviewed_hash', 64).notNullable().defaultTo('').comment('roleReviewHash of the role as reviewed');
    table.string('owner', 255).nullable().alter();
    table.index(['cluster', 'namespace'], 'irsa_reviews_cluster_ns_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('irsa_reviews', table => {
    table.dropIndex(['cluster', 'namespace'], 'irsa_reviews_cluster_ns_idx');
    table.dropColumn('reviewed_hash');
    table.dropColumn('service_account');
    table.dropColumn('namespace');
    table.dropColumn('cluster');
  });
};
