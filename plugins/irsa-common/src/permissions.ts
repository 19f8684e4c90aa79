import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of IRSA permissions: a catalog entity, because bindings are
 * read and created on behalf of the component that owns the service account.
 *
 * @public
 */
export const RESOURCE_TYPE_CATALOG_ENTITY = 'catalog-entity';

/**
 * Read the service accounts, roles, trust verdicts and permission findings
 * of an entity.
 *
 * @public
 */
export const irsaBindingReadPermission = createPermission({
  name: 'irsa.binding.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create or change an IAM role and its annotated service account for an
 * entity (provisioning). The demo policy allows it to the entity's owners.
 *
 * @public
 */
export const irsaBindingCreatePermission = createPermission({
  name: 'irsa.binding.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Mark a binding reviewed by its owner (an ownership review): checked on the
 * binding's entity. The demo policy allows it to the entity's owners and to
 * its configured reviewers.
 *
 * @public
 */
export const irsaReviewCreatePermission = createPermission({
  name: 'irsa.review.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read the provisioning audit log and the estate-wide inventory.
 *
 * @public
 */
export const irsaInventoryReadPermission = createPermission({
  name: 'irsa.inventory.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the IRSA plugin.
 *
 * @public
 */
export const irsaPermissions = [
  irsaBindingReadPermission,
  irsaBindingCreatePermission,
  irsaReviewCreatePermission,
  irsaInventoryReadPermission,
];
