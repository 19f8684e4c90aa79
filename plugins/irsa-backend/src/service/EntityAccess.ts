import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { irsaBindingReadPermission } from '@irsa-backstage/plugin-irsa-common';
import { RecentMap } from './RecentMap';

type Entry = { checkedAt: number; entity: Promise<Entity> };

/**
 * Whether a caller may read an entity's IRSA view, and the entity as the
 * catalog gives it to them: `irsa.binding.read` through the permission
 * framework, then the catalog lookup with the caller's credentials (so the
 * catalog's own read rules apply). Each is an HTTP call with a service token
 * issued and verified, most of a warm view's cost on a real backend, so a
 * granted check is reused for the same caller and entity for at most
 * `reuseMs`: a revoked grant, a deleted entity or changed annotations show
 * within that time, as the view itself does. Refusals and misses are not
 * kept; neither is anything for a caller that is not a user or a service.
 */
export class EntityAccess {
  private readonly entries: RecentMap<Entry>;

  constructor(
    private readonly deps: {
      permissions: PermissionsService;
      catalog: CatalogService;
    },
    private readonly options: { reuseMs: number; maxEntries: number },
  ) {
    this.entries = new RecentMap(options.maxEntries);
  }

  /** The entity; NotAllowedError or NotFoundError when the caller may not read its view. */
  readableEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const caller = callerKey(credentials);
    if (!caller || this.options.reuseMs <= 0)
      return this.check(entityRef, credentials);
    const key = `${caller}|${entityRef}`;
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.checkedAt < this.options.reuseMs) {
      return entry.entity;
    }
    const fresh = {
      checkedAt: now,
      entity: this.check(entityRef, credentials),
    };
    this.entries.set(key, fresh);
    fresh.entity.catch(() => this.entries.deleteIf(key, fresh));
    return fresh.entity;
  }

  private async check(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const [decision] = await this.deps.permissions.authorize(
      [{ permission: irsaBindingReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not read the IRSA bindings of ${entityRef}`,
      );
    }
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return entity;
  }
}

/** Who is asking, as the permission framework and the catalog tell callers apart. */
function callerKey(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef)
    return `user:${principal.userEntityRef}`;
  if (principal.type === 'service' && principal.subject)
    return `service:${principal.subject}`;
  return undefined;
}
