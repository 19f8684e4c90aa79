import {
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  AnalysisCache,
  AttachedPolicy,
  createAnalysisCache,
  EntityBinding,
  EntityBindings,
  FINDING_SEVERITIES,
  Finding,
  InventoryBinding,
  parsePolicyArn,
  parseRoleArn,
  RoleDetails,
  ROLE_ARN_ANNOTATION,
  ServiceAccountLike,
  sortFindings,
  WatchStaleness,
} from '@irsa-backstage/plugin-irsa-common';
import { cachedManagedPolicy, cachedRole } from './cachedReads';
import { analyzeBinding, rolePermissionStatements } from './analyzeBinding';
import { ClusterService } from './ClusterService';
import { ClusterConfig } from './config';
import { EntityLinks, readEntityLinks } from './entityLinks';
import { IamReader, OidcProvider } from './IamReader';
import { KubernetesReader, ObjectRef } from './KubernetesReader';
import { runAsOneRequest } from './limits';
import { describeError, ReadThroughCache } from './ReadThroughCache';

type Target = {
  cluster: ClusterConfig;
  namespace: string;
  name: string;
  serviceAccount?: ServiceAccountLike;
};
type Errors = EntityBindings['errors'];

/**
 * The roles tagged `backstage.io/entity-ref` for an entity that no service
 * account used at the inventory's last refresh (the third linking rule), as
 * the inventory stored them: a view reads them without calling AWS.
 */
export interface TaggedRoleSource {
  unusedRolesTaggedFor(entityRef: string): Promise<InventoryBinding[]>;
}

/**
 * Finds the service accounts an entity runs as (the linking order of docs/architecture.md:
 * the explicit annotation, then the Kubernetes plugin's kubernetes-id label on
 * service accounts and on pods), reads the role each one's
 * `eks.amazonaws.com/role-arn` names, and analyses trust, permissions and pods
 * with irsa-common. Annotations are validated first. It reads Kubernetes
 * through a {@link KubernetesReader} and IAM through an {@link IamReader}; each
 * view is one request (`runAsOneRequest`), so the real readers bound its reads
 * in time and number (see KubernetesClientFactory and AwsClientFactory).
 */
export class BindingDiscovery {
  private readonly cache: ReadThroughCache;
  /** Parsed policies, ARNs and wildcards, reused across the analyses of every view. */
  private readonly analysisCache: AnalysisCache = createAnalysisCache();

  constructor(
    private readonly clusters: ClusterService,
    private readonly kube: KubernetesReader,
    private readonly iam: IamReader,
    cache: CacheService,
    logger: LoggerService,
    private readonly taggedRoles?: TaggedRoleSource,
  ) {
    this.cache = new ReadThroughCache(cache, logger);
  }

  /**
   * A token that changes whenever an entity's view may change other than through the
   * entity itself: a change in a cluster's service accounts or pods, or a role read
   * anew from IAM by this process. Undefined while some cluster is read from its API
   * server or from a watch that is down: such a view must not be reused.
   */
  dataVersion(): string | undefined {
    const versions = this.clusters.listClusterConfigs().map(c => this.kube.dataVersion?.(c));
    if (versions.some(v => v === undefined)) return undefined;
    return `${versions.join(',')}|${this.cache.loads}`;
  }

  entityBindings(entity: Entity): Promise<EntityBindings> {
    return runAsOneRequest(async () => {
      const entityRef = stringifyEntityRef(entity);
      const links = readEntityLinks(entity.metadata.annotations ?? {});
      // Annotation problems concern every cluster.
      const errors: Errors = links.problems.map(message => ({ cluster: '*', message }));
      // Each cluster goes at its own pace: a slow one holds up only its own bindings.
      const perCluster = await Promise.all(
        this.clusters.listClusterConfigs().map(async cluster => {
          this.reportStaleness(cluster, errors);
          const targets = await this.clusterTargets(cluster, links, errors).catch(e => {
            errors.push({
              cluster: cluster.name,
              message: `Could not list service accounts in cluster ${cluster.name}: ${describeError(e)}`,
            });
            return [];
          });
          return Promise.all(targets.map(target => this.analyze(target, entityRef)));
        }),
      );
      const found = perCluster.flat();
      const tagged = await this.taggedBindings(entityRef, found, errors);
      const bindings = [...found, ...tagged].sort((a, b) => bindingKey(a).localeCompare(bindingKey(b)));
      return { entityRef, bindings, errors };
    });
  }

  /**
   * The third linking rule: the roles tagged for the entity that no service account
   * used at the inventory's last refresh, nor any service account this view found.
   */
  private async taggedBindings(entityRef: string, found: EntityBinding[], errors: Errors): Promise<EntityBinding[]> {
    if (!this.taggedRoles) return [];
    const used = new Set(found.map(b => b.roleArn));
    try {
      const rows = await this.taggedRoles.unusedRolesTaggedFor(entityRef);
      return rows.filter(row => !used.has(row.roleArn)).map(row => taggedBinding(row, entityRef));
    } catch (e) {
      errors.push({
        cluster: '*',
        message: `Could not read the roles tagged for ${entityRef} from the inventory: ${describeError(e)}`,
      });
      return [];
    }
  }

  /** A cluster answered from memory while its watch is down: say how old the data may be. */
  private reportStaleness(cluster: ClusterConfig, errors: Errors): void {
    const stale = this.watchStaleness(cluster);
    if (stale) errors.push({ cluster: cluster.name, message: stale.message });
  }

  private watchStaleness(cluster: ClusterConfig): WatchStaleness | undefined {
    const stale = this.kube.staleness?.(cluster);
    if (!stale) return undefined;
    return {
      message:
        `Kubernetes data of cluster ${cluster.name} may be stale: its watch has been down for ` +
        `${stale.staleSinceSeconds} s (${stale.reason}); service accounts and pods are as read at ` +
        `${stale.syncedAt.toISOString()}`,
      staleSinceSeconds: stale.staleSinceSeconds,
      syncedAt: stale.syncedAt.toISOString(),
    };
  }

  /** One cluster's targets: the named service accounts, and those found by label. */
  private async clusterTargets(
    cluster: ClusterConfig,
    links: EntityLinks,
    errors: Errors,
  ): Promise<Target[]> {
    const named = links.explicit
      .filter(ref => ref.cluster === '*' || ref.cluster === cluster.name)
      .map(({ namespace, name }) => ({ namespace, name }));
    const [explicit, labelled] = await Promise.all([
      this.readTargets(cluster, named),
      links.selector ? this.labelledTargets(cluster, links.selector, links.namespace, errors) : [],
    ]);
    const byKey = new Map<string, Target>();
    for (const t of [...explicit, ...labelled]) {
      // The same service account may be found twice; keep the copy that was read.
      if (!byKey.has(targetKey(t)) || t.serviceAccount) byKey.set(targetKey(t), t);
    }
    return [...byKey.values()];
  }

  private async labelledTargets(
    cluster: ClusterConfig,
    selector: string,
    namespace: string | undefined,
    errors: Errors,
  ): Promise<Target[]> {
    const query = { labelSelector: selector, namespace };
    const [accounts, pods] = await Promise.all([
      this.kube.listServiceAccounts(cluster, query),
      this.kube.listPods(cluster, query),
    ]);
    if (accounts.truncated || pods.truncated) {
      // A truncated list holds as many items as the reader's cap.
      const cut = accounts.truncated ? accounts : pods;
      errors.push({
        cluster: cluster.name,
        message:
          `More than ${cut.items.length} ${accounts.truncated ? 'service accounts' : 'pods'} ` +
          `match "${selector}" in cluster ${cluster.name}; only the first were read (irsa.kubernetes.maxItems), ` +
          'so some service accounts may be missing',
      });
    }
    const found: Target[] = accounts.items.map(sa => ({
      cluster,
      namespace: sa.metadata!.namespace!,
      name: sa.metadata!.name!,
      serviceAccount: sa,
    }));
    // Pods carrying the label name service accounts that may not carry it.
    const known = new Set(found.map(targetKey));
    const fromPods = new Map<string, ObjectRef>();
    for (const pod of pods.items) {
      const ref = { namespace: pod.metadata!.namespace!, name: pod.spec?.serviceAccountName ?? 'default' };
      const key = targetKey({ cluster, ...ref });
      if (!known.has(key)) fromPods.set(key, ref);
    }
    return [...found, ...(await this.readTargets(cluster, [...fromPods.values()]))];
  }

  private readTargets(cluster: ClusterConfig, refs: ObjectRef[]): Promise<Target[]> {
    return Promise.all(
      refs.map(async ref => ({ cluster, ...ref, serviceAccount: await this.kube.readServiceAccount(cluster, ref) })),
    );
  }

  /**
   * The verdict for one service account of a cluster (`POST /verify`): against
   * the role its annotation names, or against `roleArn` as if the annotation
   * named it (to check a role before annotating, or a service account that
   * does not exist yet).
   */
  verify(request: {
    cluster: ClusterConfig;
    namespace: string;
    serviceAccount: string;
    roleArn?: string;
  }): Promise<EntityBinding> {
    return runAsOneRequest(async () => {
      const { cluster, namespace } = request;
      const ref = { namespace, name: request.serviceAccount };
      const binding = await this.analyze(
        { cluster, ...ref, serviceAccount: await this.kube.readServiceAccount(cluster, ref) },
        undefined,
        request.roleArn,
      );
      // As the entity view's errors[] says it: read from memory while the watch is down.
      const staleness = this.watchStaleness(cluster);
      return staleness ? { ...binding, staleness } : binding;
    });
  }

  /**
   * The role's permissions boundary with its document, for the permissions table; undefined
   * without one, or when it cannot be read (the table then shows the identity policies only:
   * the view does not fail for it).
   */
  private async boundaryOf(role: RoleDetails, accountId: string): Promise<AttachedPolicy | undefined> {
    const arn = role.permissionsBoundaryArn;
    if (!arn || !parsePolicyArn(arn)) return undefined;
    try {
      return await cachedManagedPolicy(this.cache, this.iam, { arn, accountId });
    } catch {
      return undefined;
    }
  }

  private async analyze(
    target: Target,
    entityRef: string | undefined,
    roleArnOverride?: string,
  ): Promise<EntityBinding> {
    const { cluster, namespace, name } = target;
    const binding: EntityBinding = {
      serviceAccount: { cluster: cluster.name, namespace, name },
      source: roleArnOverride ? 'request' : 'annotation',
      serviceAccountExists: target.serviceAccount !== undefined,
      pods: [],
      findings: [],
      ...(entityRef ? { entityRef } : {}),
    };
    const serviceAccount = roleArnOverride
      ? withRoleAnnotation(target.serviceAccount ?? { metadata: { namespace, name } }, roleArnOverride)
      : target.serviceAccount;
    if (!serviceAccount) {
      return binding;
    }
    const roleArn = serviceAccount.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
    binding.roleArn = roleArn;

    try {
      const arn = roleArn ? parseRoleArn(roleArn) : undefined;
      const [pods, role] = await Promise.all([
        this.kube.listPodsOf(cluster, { namespace, name }),
        arn ? cachedRole(this.cache, this.iam, { arn: roleArn!, accountId: arn.accountId, roleName: arn.roleName }) : undefined,
      ]);
      if (pods.truncated) {
        binding.error = `Only the first ${pods.items.length} pods running as ${namespace}/${name} were read (irsa.kubernetes.maxItems); pod findings may be incomplete`;
      }

      const [issuer, providers] = role
        ? await Promise.all([
            this.clusters.getIssuer(cluster),
            this.clusters.getOidcProviders(arn!.accountId).catch((): OidcProvider[] | null => null),
          ])
        : [undefined, null];
      const analysis = analyzeBinding({
        serviceAccount,
        pods: pods.items,
        role,
        roleExists: arn ? role !== undefined : undefined,
        issuer,
        providers,
        cache: this.analysisCache,
      });
      binding.pods = analysis.pods;
      binding.findings = analysis.findings;
      if (role) {
        binding.role = role;
        binding.verdict = analysis.verdict;
        binding.permissions = analysis.permissions && {
          ...analysis.permissions,
          statements: rolePermissionStatements(
            role,
            analysis.permissions,
            await this.boundaryOf(role, arn!.accountId),
            this.analysisCache,
          ),
        };
      }
    } catch (e) {
      binding.error = `Could not analyse ${cluster.name}/${namespace}/${name}: ${describeError(e)}`;
    }
    return binding;
  }
}

/**
 * A role tagged for the entity that no service account uses yet, as the inventory
 * stored it. Its service account is the one its trust policy names, else the one
 * provisioning's tags name; when neither names one, the reference's fields are
 * empty strings (the caller picks the service account when provisioning one).
 */
function taggedBinding(row: InventoryBinding, entityRef: string): EntityBinding {
  const roleArn = row.roleArn!;
  const noServiceAccount: Finding = {
    code: 'ROLE_NO_SERVICE_ACCOUNT',
    severity: FINDING_SEVERITIES.ROLE_NO_SERVICE_ACCOUNT,
    message: `${roleArn} is tagged backstage.io/entity-ref=${entityRef}, and no service account uses it yet.`,
    hint: 'Provision a service account for it (annotated with the role), or remove the tag.',
  };
  const findings = row.findings.some(f => f.code === 'ROLE_NO_SERVICE_ACCOUNT')
    ? row.findings
    : [noServiceAccount, ...row.findings];
  return {
    serviceAccount: { cluster: row.cluster ?? '', namespace: row.namespace ?? '', name: row.serviceAccount ?? '' },
    roleArn,
    source: 'tag',
    serviceAccountExists: row.serviceAccountExists ?? false,
    pods: [],
    findings: sortFindings(findings),
    entityRef,
  };
}

/** The service account as if its role annotation named `roleArn`. */
function withRoleAnnotation(sa: ServiceAccountLike, roleArn: string): ServiceAccountLike {
  return {
    ...sa,
    metadata: {
      ...sa.metadata,
      annotations: { ...sa.metadata?.annotations, [ROLE_ARN_ANNOTATION]: roleArn },
    },
  };
}

function targetKey(t: { cluster: ClusterConfig; namespace: string; name: string }): string {
  return `${t.cluster.name}/${t.namespace}/${t.name}`;
}

function bindingKey(b: EntityBinding): string {
  const { cluster, namespace, name } = b.serviceAccount;
  return `${cluster}/${namespace}/${name}`;
}
