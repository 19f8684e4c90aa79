// @ts-check

/**
 * Audit trail of provisioning runs and the ownership reviews of IRSA bindings.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('irsa_audit_events', table => {
    table.comment('Who provisioned what, when, with what result');
    table.bigIncrements('id').primary();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.string('actor', 255).notNullable().comment('Entity ref of the user (or service) that acted');
    table.string('operation', 64).notNullable().comment('e.g. provision-apply');
    table.string('entity_ref', 255).nullable();
    table.string('cluster', 255).nullable();
    table.string('namespace', 255).nullable();
    table.string('service_account', 255).nullable();
    table.string('role_arn', 2048).nullable();
    table.string('result', 32).notNullable().comment('succeeded | failed | refused | unchanged');
    table.text('detail').nullable().comment('JSON: the changes made or the error');
    table.index(['entity_ref'], 'irsa_audit_events_entity_ref_idx');
    table.index(['created_at'], 'irsa_audit_events_created_at_idx');
  });

  await knex.schema.createTable('irsa_reviews', table => {
    table.comment('Ownership reviews of IRSA bindings');
    table.bigIncrements('id').primary();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.string('reviewer', 255).notNullable();
    table.string('owner', 255).notNullable().comment('Entity ref of the owning group or user');
    table.string('entity_ref', 255).nullable();
    table.string('role_arn', 2048).notNullable();
    table.string('decision', 32).notNullable().comment('approved | changes-requested | revoke');
    table.text('comment').nullable();
    table.text('findings').nullable().comment('JSON: the finding codes seen at review time');
    table.index(['owner'], 'irsa_reviews_owner_idx');
    table.index(['role_arn'], 'irsa_reviews_role_arn_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('irsa_reviews');
  await knex.schema.dropTable('irsa_audit_events');
};
