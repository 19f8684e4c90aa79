import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  irsaInventoryReadPermission,
  ProvisionResult,
} from '@irsa-backstage/plugin-irsa-common';
import { AuditEvent, IrsaStore, Page } from '../database/IrsaStore';

/** What a provisioning run was asked to do, as far as the body says. */
export interface ProvisionTarget {
  entityRef?: string;
  cluster?: string;
  namespace?: string;
  serviceAccount?: string;
}

/** Error names that mean "refused before anything was written". */
const REFUSALS = [
  'InputError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
];

/**
 * The plugin's own audit trail in its database: one row per provisioning
 * run, readable through `GET /audit` by inventory readers (everything) and
 * by owners (their entities' rows).
 */
export class AuditTrail {
  constructor(
    private readonly store: Pick<IrsaStore, 'recordAudit' | 'listAudit'>,
    private readonly permissions: PermissionsService,
    private readonly userInfo: UserInfoService,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async recordApplied(
    actor: string | undefined,
    target: ProvisionTarget,
    result: ProvisionResult,
  ): Promise<void> {
    await this.store.recordAudit({
      actor: actor ?? 'unknown',
      operation: 'provision-apply',
      ...target,
      roleArn: result.roleArn,
      result: result.changes.length > 0 ? 'succeeded' : 'unchanged',
      detail: { changes: result.changes, allowed: result.verdict.allowed },
    });
  }

  async recordFailed(
    actor: string | undefined,
    target: ProvisionTarget,
    error: Error,
  ): Promise<void> {
    await this.store.recordAudit({
      actor: actor ?? 'unknown',
      operation: 'provision-apply',
      ...target,
      result: REFUSALS.includes(error?.name) ? 'refused' : 'failed',
      detail: { error: `${error?.name}: ${error?.message}` },
    });
  }

  async list(
    query: { entityRef?: string; limit?: number; cursor?: string },
    credentials: BackstageCredentials,
  ): Promise<Page<AuditEvent>> {
    const entityRef =
      query.entityRef === undefined
        ? undefined
        : normalizeEntityRef(query.entityRef);
    const [decision] = await this.permissions.authorize(
      [{ permission: irsaInventoryReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) {
      return this.store.listAudit({ ...query, entityRef });
    }
    if (!this.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('You may not read the IRSA audit trail');
    }
    const owned = await this.ownedEntityRefs(credentials);
    if (entityRef && !owned.includes(entityRef)) {
      throw new NotAllowedError(
        `You may read the audit events of the entities you own; ${entityRef} is not one of them`,
      );
    }
    return this.store.listAudit({
      ...query,
      entityRef,
      entityRefs: entityRef ? undefined : owned,
    });
  }

  /** The entities owned by the user or by a group the user belongs to. */
  private async ownedEntityRefs(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<string[]> {
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      credentials,
    );
    if (ownershipEntityRefs.length === 0) return [];
    const { items } = await this.catalog.getEntities(
      {
        filter: { 'relations.ownedBy': ownershipEntityRefs },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return items.map(e => stringifyEntityRef(e));
  }
}

function normalizeEntityRef(ref: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref));
  } catch (e) {
    throw new InputError(`entityRef: ${(e as Error).message}`);
  }
}
