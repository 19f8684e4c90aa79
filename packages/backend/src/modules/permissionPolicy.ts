import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  irsaBindingCreatePermission,
  irsaBindingReadPermission,
  irsaInventoryReadPermission,
  irsaReviewCreatePermission,
} from '@irsa-backstage/plugin-irsa-common';

/** The config value that grants a permission to every signed-in user. */
export const EVERY_SIGNED_IN_USER = 'every-signed-in-user';

/**
 * Who holds a grant: every signed-in user, or the signed-in users whose
 * ownership refs (their user ref and their groups') include one of `refs`.
 */
export type Grant =
  | { everySignedInUser: true }
  | { everySignedInUser: false; refs: ReadonlySet<string> };

/** The grants of the demo policy, from `irsaDemo.permissions`. */
export interface DemoPolicyGrants {
  /** `irsa.inventory.read`: the estate-wide inventory and `POST /verify`. */
  inventoryReaders: Grant;
  /**
   * `irsa.review.create` on any binding, unowned ones included; an entity's
   * owners hold it for their own entity's bindings regardless.
   */
  reviewers: Grant;
  /**
   * `catalog.location.create`: registering catalog files. A registered file
   * sets its components' `spec.owner`, and owners may provision IAM roles.
   */
  locationRegistrars: Grant;
}

/**
 * Reads the grants from config, failing at start-up on anything but user or
 * group refs: a typo must not silently grant nothing, or the wrong thing.
 */
export function readDemoPolicyGrants(config: Config): DemoPolicyGrants {
  return {
    inventoryReaders: readGrant(
      config,
      'irsaDemo.permissions.inventoryReaders',
    ),
    reviewers: readGrant(config, 'irsaDemo.permissions.reviewers'),
    locationRegistrars: readGrant(
      config,
      'irsaDemo.permissions.locationRegistrars',
    ),
  };
}

function readGrant(config: Config, key: string): Grant {
  const values = config.getOptionalStringArray(key) ?? [];
  if (values.includes(EVERY_SIGNED_IN_USER)) {
    if (values.length > 1) {
      throw new Error(
        `${key}: ${EVERY_SIGNED_IN_USER} already includes everyone; list nothing else`,
      );
    }
    return { everySignedInUser: true };
  }
  const refs = values.map((value, i) => readGranteeRef(value, `${key}[${i}]`));
  return { everySignedInUser: false, refs: new Set(refs) };
}

function readGranteeRef(value: string, key: string): string {
  let ref;
  try {
    ref = parseEntityRef(value);
  } catch {
    ref = undefined;
  }
  const kind = ref?.kind.toLocaleLowerCase('en-US');
  if (!ref || (kind !== 'user' && kind !== 'group')) {
    throw new Error(
      `${key}: "${value}" is neither a user or group ref (e.g. group:default/platform-security) nor ${EVERY_SIGNED_IN_USER}`,
    );
  }
  return stringifyEntityRef(ref);
}

/**
 * The example backend's policy:
 *
 * - every signed-in user may read an entity's IRSA bindings;
 * - only an entity's owners may provision a role for it, so ownership in the
 *   catalog must come from a source users cannot write (see README);
 * - the estate-wide inventory and registering catalog locations go to the
 *   users and groups of `irsaDemo.permissions`;
 * - reviews of any binding go to the reviewers of `irsaDemo.permissions`,
 *   and an entity's owners may review its bindings;
 * - everything else of the portal stays open, as with the template's
 *   allow-all policy.
 *
 * Each decision is about a person; anonymous callers hold no IRSA
 * permission. Services never reach this policy: Backstage's permissions
 * service answers a plugin's own service credentials itself (allowed unless
 * their access is restricted), which is how the catalog's IRSA module reads
 * the inventory (`irsa.inventory.read`) with no grant here.
 */
export class DemoPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly grants: DemoPolicyGrants,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (isPermission(permission, irsaBindingReadPermission)) {
      return decide(user !== undefined);
    }
    if (isPermission(permission, irsaBindingCreatePermission)) {
      if (!user) {
        return decide(false);
      }
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: await this.ownershipRefs(user),
        }),
      );
    }
    if (isPermission(permission, irsaReviewCreatePermission)) {
      // The configured reviewers review any binding (the unowned ones too);
      // an entity's owners review their own.
      if (!user) {
        return decide(false);
      }
      if (await this.holds(this.grants.reviewers, user)) {
        return decide(true);
      }
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: await this.ownershipRefs(user),
        }),
      );
    }
    if (isPermission(permission, irsaInventoryReadPermission)) {
      return decide(await this.holds(this.grants.inventoryReaders, user));
    }
    if (isPermission(permission, catalogLocationCreatePermission)) {
      return decide(await this.holds(this.grants.locationRegistrars, user));
    }
    return decide(true);
  }

  private async holds(grant: Grant, user?: PolicyQueryUser): Promise<boolean> {
    if (!user) {
      return false;
    }
    if (grant.everySignedInUser) {
      return true;
    }
    const refs = await this.ownershipRefs(user);
    return refs.some(ref => grant.refs.has(ref));
  }

  /**
   * The user's own ref and those of their groups, as the sign-in resolver put
   * them in the token. Read through the user info service because
   * `PolicyQueryUser.info` is deprecated.
   */
  private async ownershipRefs(user: PolicyQueryUser): Promise<string[]> {
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    return ownershipEntityRefs.map(ref => ref.toLocaleLowerCase('en-US'));
  }
}

function decide(allow: boolean): PolicyDecision {
  return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'irsa-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new DemoPermissionPolicy(readDemoPolicyGrants(config), userInfo),
        );
      },
    });
  },
});
