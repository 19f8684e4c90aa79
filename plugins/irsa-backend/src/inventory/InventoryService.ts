import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  createAnalysisCache,
  InventoryPage,
  InventorySource,
  RoleDetails,
} from '@irsa-backstage/plugin-irsa-common';
import { ClusterService } from '../service/ClusterService';
import { ClusterConfig } from '../service/config';
import { describeError } from '../service/ReadThroughCache';
import { KubernetesClientFactory } from '../service/KubernetesClientFactory';
import {
  ENTITY_REF_TAG,
  KUBERNETES_ID_ANNOTATION,
  readEntityLinks,
  SERVICE_ACCOUNTS_ANNOTATION,
} from '../service/entityLinks';
import { OidcProvider } from '../service/IamReader';
import {
  buildInventory,
  InventoryCluster,
  InventoryEntity,
} from './buildInventory';
import { IamInventoryReader } from './IamInventoryReader';
import { readableOwners } from './readableOwners';
import { InventoryQuery, InventoryStore } from './InventoryStore';

type AccountRead = {
  accountId: string;
  roles?: RoleDetails[];
  providers?: OidcProvider[];
  error?: string;
};
type ClusterRead = {
  cluster: ClusterConfig;
  read?: InventoryCluster;
  error?: string;
};

/**
 * The estate-wide inventory: a refresh (run by the scheduler, on one replica
 * per interval) reads IAM in bulk per account and every cluster's service
 * accounts and pods, joins them with the catalog's owners and stores the
 * bindings; `list` serves them from the database.
 */
export class InventoryService {
  constructor(
    private readonly deps: {
      clusters: ClusterService;
      iam: IamInventoryReader;
      kube: KubernetesClientFactory;
      store: InventoryStore;
      catalog: CatalogService;
      auth: AuthService;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      logger: LoggerService;
    },
  ) {}

  async refresh(): Promise<{ bindings: number; sources: InventorySource[] }> {
    const refreshedAt = new Date().toISOString();
    const configs = this.deps.clusters.listClusterConfigs();
    const accountIds = [...new Set(configs.map(c => c.accountId))];
    const [accounts, clusters] = await Promise.all([
      Promise.all(accountIds.map(a => this.readAccount(a))),
      Promise.all(configs.map(c => this.readCluster(c))),
    ]);
    const roles = new Map(
      accounts.flatMap(a => a.roles ?? []).map(r => [r.arn, r] as const),
    );
    const bindings = buildInventory({
      clusters: clusters.flatMap(c => (c.read ? [c.read] : [])),
      roles,
      accountsRead: new Set(
        accounts.filter(a => a.roles).map(a => a.accountId),
      ),
      providers: new Map(
        accounts.map(a => [a.accountId, a.providers ?? []] as const),
      ),
      entities: await this.readEntities([...roles.values()]),
      refreshedAt,
      cache: createAnalysisCache(),
    });
    const sources: InventorySource[] = [
      ...accounts.map(a =>
        source('account', a.accountId, refreshedAt, a.error),
      ),
      ...clusters.map(c =>
        source('cluster', c.cluster.name, refreshedAt, c.error),
      ),
    ];
    await this.deps.store.replace({ bindings, sources, refreshedAt });
    this.deps.logger.info(
      `IRSA inventory: ${bindings.length} bindings from ${roles.size} roles; ${
        sources.filter(s => s.stale).length
      } source(s) failed`,
    );
    return { bindings: bindings.length, sources };
  }

  async list(
    query: InventoryQuery,
    credentials: BackstageCredentials,
  ): Promise<InventoryPage> {
    const owners = await readableOwners(
      this.deps,
      credentials,
      'You may not read the IRSA inventory',
    );
    const [page, sources] = await Promise.all([
      this.deps.store.list({ ...query, owners }),
      this.deps.store.sources(),
    ]);
    const times = sources
      .map(s => s.refreshedAt)
      .filter((t): t is string => !!t)
      .sort();
    return {
      items: page.items,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      ...(times.length ? { refreshedAt: times[times.length - 1] } : {}),
      sources,
    };
  }

  private async readAccount(accountId: string): Promise<AccountRead> {
    try {
      const [roles, providers] = await Promise.all([
        this.deps.iam.readRoles(accountId),
        this.deps.clusters.getOidcProviders(accountId),
      ]);
      return { accountId, roles, providers };
    } catch (e) {
      return { accountId, error: describeError(e) };
    }
  }

  private async readCluster(cluster: ClusterConfig): Promise<ClusterRead> {
    try {
      const { kube } = this.deps;
      const core = await kube.core(cluster, kube.requestDeadline(cluster));
      const [issuer, serviceAccounts, pods] = await Promise.all([
        this.deps.clusters.getIssuer(cluster).catch(() => undefined),
        kube.listAll(p => core.listServiceAccountForAllNamespaces(p)),
        kube.listAll(p => core.listPodForAllNamespaces(p)),
      ]);
      if (serviceAccounts.truncated || pods.truncated) {
        throw new Error(
          `more objects than irsa.inventory.maxObjects (${kube.settings.maxItems})`,
        );
      }
      return {
        cluster,
        read: {
          name: cluster.name,
          issuer,
          serviceAccounts: serviceAccounts.items,
          pods: pods.items,
        },
      };
    } catch (e) {
      return { cluster, error: describeError(e) };
    }
  }

  /** Entities linked to service accounts, and those that roles' tags name, with their owners. */
  private async readEntities(roles: RoleDetails[]): Promise<InventoryEntity[]> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: [
          {
            [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${SERVICE_ACCOUNTS_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
      },
      { credentials },
    );
    const known = new Set(items.map(e => stringifyEntityRef(e)));
    const tagged = [
      ...new Set(
        roles.map(r => r.tags[ENTITY_REF_TAG]).filter(Boolean),
      ),
    ].filter(ref => !known.has(ref));
    const byRef = tagged.length
      ? (
          await this.deps.catalog.getEntitiesByRefs(
            { entityRefs: tagged },
            { credentials },
          )
        ).items
      : [];
    return [...items, ...byRef.filter((e): e is Entity => !!e)].map(
      toInventoryEntity,
    );
  }
}

function toInventoryEntity(entity: Entity): InventoryEntity {
  const annotations = entity.metadata.annotations ?? {};
  const owned = entity.relations?.find(r => r.type === 'ownedBy')?.targetRef;
  const owner = owned ?? ownerFromSpec(entity);
  return {
    ref: stringifyEntityRef(entity),
    ...(owner ? { owner } : {}),
    kubernetesId: annotations[KUBERNETES_ID_ANNOTATION],
    serviceAccounts: readEntityLinks(annotations).explicit,
  };
}

function ownerFromSpec(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string') return undefined;
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace ?? 'default',
    }),
  );
}

function source(
  kind: 'account' | 'cluster',
  name: string,
  at: string,
  error?: string,
): InventorySource {
  return error
    ? { kind, name, stale: true, error }
    : { kind, name, stale: false, refreshedAt: at };
}
