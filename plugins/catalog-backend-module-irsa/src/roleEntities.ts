import { createHash } from 'node:crypto';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  EntityLink,
  parseEntityRef,
} from '@backstage/catalog-model';
import type { InventoryBinding } from '@irsa-backstage/plugin-irsa-common';

/**
 * The annotation holding the role's ARN on its catalog entity.
 *
 * @public
 */
export const ANNOTATION_ROLE_ARN = 'irsa.backstage.io/role-arn';

/** The location the provider's entities are managed by (`type:target`). */
export const INVENTORY_LOCATION = 'irsa:inventory';

/** How inventory bindings become role entities. */
export interface RoleEntityOptions {
  /** Catalog namespace of the role entities. */
  namespace: string;
  /** Owner of roles no binding gives an owner; unset: such roles are skipped. */
  defaultOwner?: string;
  /**
   * The portal's `app.baseUrl`: the catalog accepts only absolute link URLs.
   * Unset: no links.
   */
  appBaseUrl?: string;
}

const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;
// A catalog name: alphanumerics, separated by single `-`, `_` or `.`.
const VALID_NAME = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;

/**
 * One `Resource` of type `aws-iam-role` per role ARN of the inventory, a
 * dependency of every entity whose bindings use it. Roles the inventory
 * reports missing are skipped: the catalog lists what exists in AWS.
 */
export function inventoryRoleEntities(
  bindings: readonly InventoryBinding[],
  options: RoleEntityOptions,
): Entity[] {
  const byRole = bindingsByRoleArn(bindings);
  const names = catalogNamesForRoles([...byRole.keys()]);
  const entities: Entity[] = [];
  for (const [roleArn, roleBindings] of byRole) {
    const entity = roleEntity(
      roleArn,
      names.get(roleArn)!,
      roleBindings,
      options,
    );
    if (entity) entities.push(entity);
  }
  return entities;
}

function bindingsByRoleArn(
  bindings: readonly InventoryBinding[],
): Map<string, InventoryBinding[]> {
  const byRole = new Map<string, InventoryBinding[]>();
  for (const binding of bindings) {
    if (!binding.roleArn || binding.roleExists === false) continue;
    const list = byRole.get(binding.roleArn) ?? [];
    list.push(binding);
    byRole.set(binding.roleArn, list);
  }
  // Sorted, so a run emits the same entities in the same order.
  return new Map([...byRole].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function roleEntity(
  roleArn: string,
  name: string,
  bindings: readonly InventoryBinding[],
  options: RoleEntityOptions,
): Entity | undefined {
  const owner = roleOwner(bindings) ?? options.defaultOwner;
  if (!owner) return undefined;
  const users = uniqueSorted(bindings.map(b => b.entityRef));
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: options.namespace,
      title: roleNameOf(roleArn),
      description: `IAM role ${roleArn}, from the IRSA inventory.`,
      annotations: {
        [ANNOTATION_ROLE_ARN]: roleArn,
        [ANNOTATION_LOCATION]: INVENTORY_LOCATION,
        [ANNOTATION_ORIGIN_LOCATION]: INVENTORY_LOCATION,
      },
      links: options.appBaseUrl
        ? users.map(ref => irsaTabLink(options.appBaseUrl!, ref))
        : [],
    },
    spec: {
      type: 'aws-iam-role',
      owner,
      dependencyOf: users,
    },
  };
}

/**
 * The owner most of the role's bindings name (ties: the first in sort
 * order), so a role shared by teams still gets one stable owner.
 */
function roleOwner(bindings: readonly InventoryBinding[]): string | undefined {
  const counts = new Map<string, number>();
  for (const { owner } of bindings) {
    if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  let best: [string, number] | undefined;
  for (const entry of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!best || entry[1] > best[1]) best = entry;
  }
  return best?.[0];
}

function irsaTabLink(appBaseUrl: string, entityRef: string): EntityLink {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  const path = [namespace, kind]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .concat(encodeURIComponent(name))
    .join('/');
  const base = appBaseUrl.replace(/\/+$/, '');
  return {
    url: `${base}/catalog/${path}/irsa`,
    title: `IRSA of ${entityRef}`,
  };
}

/** The role name: the ARN's last path segment (`role/path/name`). */
export function roleNameOf(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  return resource.slice(resource.lastIndexOf('/') + 1) || roleArn;
}

/**
 * Catalog names for role ARNs: the role name when it is a valid catalog
 * name, else a sanitized one with a short hash of the ARN. Roles of the same
 * name in several accounts all get the hash, so none takes the plain name
 * by the order they were read in.
 */
export function catalogNamesForRoles(
  roleArns: readonly string[],
): Map<string, string> {
  const plain = new Map(roleArns.map(arn => [arn, plainCatalogName(arn)]));
  const taken = new Map<string, number>();
  for (const name of plain.values()) {
    if (name) {
      const key = name.toLocaleLowerCase('en-US');
      taken.set(key, (taken.get(key) ?? 0) + 1);
    }
  }
  const names = new Map<string, string>();
  for (const [arn, name] of plain) {
    const unique = name && taken.get(name.toLocaleLowerCase('en-US')) === 1;
    names.set(arn, unique ? name : hashedCatalogName(arn));
  }
  return names;
}

/** The role name if the catalog accepts it unchanged. */
function plainCatalogName(roleArn: string): string | undefined {
  const name = roleNameOf(roleArn);
  return name.length <= MAX_NAME_LENGTH && VALID_NAME.test(name)
    ? name
    : undefined;
}

/** `<sanitized role name>-<8 hex of sha256(ARN)>`, at most 63 characters. */
function hashedCatalogName(roleArn: string): string {
  const hash = createHash('sha256')
    .update(roleArn)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const base = roleNameOf(roleArn)
    .replace(/[^A-Za-z0-9]+/g, '-')
    .slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)
    .replace(/^-+|-+$/g, '');
  return base ? `${base}-${hash}` : `role-${hash}`;
}

function uniqueSorted(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}
