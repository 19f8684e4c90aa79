import type * as K8s from '@kubernetes/client-node';
import {
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';
import {
  analyzePermissions,
  analyzeServiceAccount,
  analyzeTrust,
  EntityBinding,
  EntityBindings,
  parseRoleArn,
  ROLE_ARN_ANNOTATION,
  RoleDetails,
  sortFindings,
} from '@irsa-backstage/plugin-irsa-common';
import { ClusterService, OidcProvider } from './ClusterService';
import { ClusterConfig } from './config';
import { KubernetesClientFactory, kubernetesStatus } from './KubernetesClientFactory';
import { describeError, ReadThroughCache } from './ReadThroughCache';
import { RoleReader } from './RoleReader';

/** Entity annotation naming service accounts explicitly: `cluster/namespace/name, ...`. */
export const SERVICE_ACCOUNTS_ANNOTATION = 'irsa.backstage.io/service-accounts';
const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';
const KUBERNETES_LABEL_SELECTOR_ANNOTATION = 'backstage.io/kubernetes-label-selector';

/** A role is re-read after this; short, so a fixed trust policy shows up quickly. */
const ROLE_TTL_MS = 60 * 1000;

type Target = {
  cluster: ClusterConfig;
  namespace: string;
  name: string;
  serviceAccount?: K8s.V1ServiceAccount;
};

/**
 * The Kubernetes reads of one request, shared by its bindings: one client per
 * cluster (the token file is read once) and one pod list per namespace.
 */
class KubernetesReads {
  private readonly cores = new Map<string, Promise<K8s.CoreV1Api>>();
  private readonly pods = new Map<string, Promise<K8s.V1Pod[]>>();

  constructor(private readonly kube: KubernetesClientFactory) {}

  core(cluster: ClusterConfig): Promise<K8s.CoreV1Api> {
    let core = this.cores.get(cluster.name);
    if (!core) {
      core = this.kube.core(cluster);
      this.cores.set(cluster.name, core);
    }
    return core;
  }

  podsIn(cluster: ClusterConfig, namespace: string): Promise<K8s.V1Pod[]> {
    const key = `${cluster.name}/${namespace}`;
    let pods = this.pods.get(key);
    if (!pods) {
      pods = this.core(cluster)
        .then(core => core.listNamespacedPod({ namespace }))
        .then(list => list.items);
      this.pods.set(key, pods);
    }
    return pods;
  }
}

/**
 * Finds the service accounts an entity runs as (DESIGN.md's linking order:
 * the explicit annotation, then the Kubernetes plugin's kubernetes-id label on
 * service accounts and on pods), reads the role each one's
 * `eks.amazonaws.com/role-arn` names, and analyses trust, permissions and pods
 * with irsa-common.
 */
export class BindingDiscovery {
  private readonly cache: ReadThroughCache;

  constructor(
    private readonly clusters: ClusterService,
    private readonly kube: KubernetesClientFactory,
    private readonly roles: RoleReader,
    cache: CacheService,
    logger: LoggerService,
  ) {
    this.cache = new ReadThroughCache(cache, logger);
  }

  async entityBindings(entity: Entity): Promise<EntityBindings> {
    const entityRef = stringifyEntityRef(entity);
    const errors: EntityBindings['errors'] = [];
    const reads = new KubernetesReads(this.kube);
    const targets = await this.targetsOf(entity, errors, reads);
    const bindings = await Promise.all(
      targets.map(target => this.analyze(target, entityRef, reads)),
    );
    return { entityRef, bindings, errors };
  }

  private async targetsOf(
    entity: Entity,
    errors: EntityBindings['errors'],
    reads: KubernetesReads,
  ): Promise<Target[]> {
    const annotations = entity.metadata.annotations ?? {};
    const byKey = new Map<string, Target>();
    const add = (t: Target) => {
      const key = `${t.cluster.name}/${t.namespace}/${t.name}`;
      if (!byKey.has(key) || t.serviceAccount) byKey.set(key, t);
    };
    const all = this.clusters.listClusterConfigs();

    await Promise.all(
      all.map(async cluster => {
        try {
          const core = await reads.core(cluster);
          for (const ref of explicitRefs(annotations[SERVICE_ACCOUNTS_ANNOTATION], cluster)) {
            add({ cluster, ...ref, serviceAccount: await readServiceAccount(core, ref) });
          }
          const selector =
            annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION] ??
            (annotations[KUBERNETES_ID_ANNOTATION]
              ? `${KUBERNETES_ID_ANNOTATION}=${annotations[KUBERNETES_ID_ANNOTATION]}`
              : undefined);
          if (!selector) return;
          const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];
          const [accounts, pods] = await Promise.all([
            namespace
              ? core.listNamespacedServiceAccount({ namespace, labelSelector: selector })
              : core.listServiceAccountForAllNamespaces({ labelSelector: selector }),
            namespace
              ? core.listNamespacedPod({ namespace, labelSelector: selector })
              : core.listPodForAllNamespaces({ labelSelector: selector }),
          ]);
          for (const sa of accounts.items) {
            add({ cluster, namespace: sa.metadata!.namespace!, name: sa.metadata!.name!, serviceAccount: sa });
          }
          // Pods carrying the label name service accounts that may not carry it.
          for (const pod of pods.items) {
            const ref = {
              namespace: pod.metadata!.namespace!,
              name: pod.spec?.serviceAccountName ?? 'default',
            };
            if (!byKey.has(`${cluster.name}/${ref.namespace}/${ref.name}`)) {
              add({ cluster, ...ref, serviceAccount: await readServiceAccount(core, ref) });
            }
          }
        } catch (e) {
          errors.push({
            cluster: cluster.name,
            message: `Could not list service accounts in cluster ${cluster.name}: ${describeError(e)}`,
          });
        }
      }),
    );
    return [...byKey.values()].sort((a, b) =>
      `${a.cluster.name}/${a.namespace}/${a.name}`.localeCompare(`${b.cluster.name}/${b.namespace}/${b.name}`),
    );
  }

  /**
   * The verdict for one service account of a cluster (`POST /verify`): against
   * the role its annotation names, or against `roleArn` as if the annotation
   * named it (to check a role before annotating, or a service account that
   * does not exist yet).
   */
  async verify(request: {
    cluster: ClusterConfig;
    namespace: string;
    serviceAccount: string;
    roleArn?: string;
  }): Promise<EntityBinding> {
    const { cluster, namespace } = request;
    const reads = new KubernetesReads(this.kube);
    const ref = { namespace, name: request.serviceAccount };
    return this.analyze(
      { cluster, ...ref, serviceAccount: await readServiceAccount(await reads.core(cluster), ref) },
      undefined,
      reads,
      request.roleArn,
    );
  }

  private async analyze(
    target: Target,
    entityRef: string | undefined,
    reads: KubernetesReads,
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
      const pods = await reads.podsIn(cluster, namespace);
      const arn = roleArn ? parseRoleArn(roleArn) : undefined;
      const role = arn ? await this.readRole(roleArn!, arn.accountId, arn.roleName) : undefined;

      const sa = analyzeServiceAccount({
        serviceAccount,
        pods,
        roleExists: arn ? role !== undefined : undefined,
      });
      binding.pods = sa.pods.map(p => ({ name: p.name, injectedRoleArn: p.injectedRoleArn }));
      binding.findings = sa.findings;
      if (!role || !arn) {
        return binding;
      }
      binding.role = role;

      const [issuer, providers] = await Promise.all([
        this.clusters.getIssuer(cluster),
        this.clusters.getOidcProviders(arn.accountId).catch((): OidcProvider[] | null => null),
      ]);
      binding.verdict = analyzeTrust({
        trustPolicy: role.trustPolicy,
        roleArn: role.arn,
        serviceAccount: { namespace, name, audience: sa.audience },
        oidcIssuer: issuer,
        oidcProviders: providers,
      });
      binding.permissions = analyzePermissions({
        policies: [
          ...role.attachedPolicies
            .filter(p => p.document !== undefined)
            .map(p => ({ arn: p.arn, name: p.name, document: p.document! })),
          ...role.inlinePolicies.map(p => ({ name: p.name, document: p.document })),
        ],
      });
      binding.findings = sortFindings([
        ...sa.findings,
        ...binding.verdict.findings,
        ...binding.permissions.findings,
      ]);
    } catch (e) {
      binding.error = `Could not analyse ${cluster.name}/${namespace}/${name}: ${describeError(e)}`;
    }
    return binding;
  }

  /** The role, cached briefly; `null` in the cache means "does not exist". */
  private async readRole(
    roleArn: string,
    accountId: string,
    roleName: string,
  ): Promise<RoleDetails | undefined> {
    const role = await this.cache.get(`role:${roleArn}`, ROLE_TTL_MS, async () => {
      const details = await this.roles.readRole(roleArn, accountId, roleName);
      // RoleDetails is plain JSON (strings, arrays, records) as read from IAM.
      return (details ?? null) as JsonValue;
    });
    return (role ?? undefined) as RoleDetails | undefined;
  }
}

/** The service account as if its role annotation named `roleArn`. */
function withRoleAnnotation(sa: K8s.V1ServiceAccount, roleArn: string): K8s.V1ServiceAccount {
  return {
    ...sa,
    metadata: {
      ...sa.metadata,
      annotations: { ...sa.metadata?.annotations, [ROLE_ARN_ANNOTATION]: roleArn },
    },
  };
}

/** The entries of `irsa.backstage.io/service-accounts` that apply to a cluster. */
function explicitRefs(annotation: string | undefined, cluster: ClusterConfig) {
  return (annotation ?? '')
    .split(',')
    .map(entry => entry.trim().split('/'))
    .filter(parts => parts.length === 3 && parts.every(Boolean))
    .filter(([c]) => c === '*' || c === cluster.name)
    .map(([, namespace, name]) => ({ namespace, name }));
}

async function readServiceAccount(
  core: K8s.CoreV1Api,
  ref: { namespace: string; name: string },
): Promise<K8s.V1ServiceAccount | undefined> {
  try {
    return await core.readNamespacedServiceAccount(ref);
  } catch (e) {
    if (kubernetesStatus(e) === 404) return undefined;
    throw e;
  }
}
