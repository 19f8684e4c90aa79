import type * as K8s from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { PodLike, ServiceAccountLike } from '@irsa-backstage/plugin-irsa-common';
import { ClusterConfig } from './config';
import { KubernetesClientFactory, kubernetesStatus } from './KubernetesClientFactory';
import { ClusterStaleness, KubernetesReader, LabelQuery, ObjectRef } from './KubernetesReader';
import { metadataKeys } from './ObjectIndex';
import { InformerSource, WatchedKind } from './WatchedKind';

/** The index key of the pods running as a service account. */
const runsAsKey = (namespace: string, serviceAccount: string) => `runs-as:${namespace}/${serviceAccount}`;

function podKeys(pod: PodLike): string[] {
  const namespace = pod.metadata?.namespace ?? '';
  return [...metadataKeys(pod), runsAsKey(namespace, pod.spec?.serviceAccountName ?? 'default')];
}

/** The metadata analysis reads; the rest of an object is not kept in the index. */
function trimMetadata(metadata: K8s.V1ObjectMeta | undefined) {
  const { name, namespace, labels, annotations } = metadata ?? {};
  return { name, namespace, labels, annotations };
}

function trimServiceAccount(sa: K8s.V1ServiceAccount): ServiceAccountLike {
  return { metadata: trimMetadata(sa.metadata) };
}

function trimPod(pod: K8s.V1Pod): PodLike {
  const containers = (list: K8s.V1Container[] | undefined) =>
    list?.map(c => ({ name: c.name, env: c.env?.map(e => ({ name: e.name, value: e.value })) }));
  return {
    metadata: trimMetadata(pod.metadata),
    spec: pod.spec && {
      serviceAccountName: pod.spec.serviceAccountName,
      containers: containers(pod.spec.containers) ?? [],
      initContainers: containers(pod.spec.initContainers),
    },
  };
}

/** The service accounts and pods of one cluster, each kind watched by its own informer. */
class WatchedCluster {
  readonly serviceAccounts: WatchedKind<ServiceAccountLike>;
  readonly pods: WatchedKind<PodLike>;

  constructor(cluster: ClusterConfig, kube: KubernetesClientFactory, logger: LoggerService, silenceMs?: number) {
    // A refused token (an EKS token past its life) is signed anew for the restart.
    const onError = (e: unknown) => kubernetesStatus(e) === 401 && kube.forgetToken(cluster);
    // After a silence: one small discovery read (GET /api/v1), within irsa.timeouts.kubernetesMs.
    const probe = async () => (await kube.core(cluster)).getAPIResources();
    const liveness = { probe, silenceMs };
    const source = <T extends K8s.KubernetesObject>(
      path: string,
      list: (core: K8s.CoreV1Api, page: { limit: number; _continue?: string }) => Promise<K8s.KubernetesListObject<T>>,
    ): InformerSource<T> =>
      async onList => {
        const kc = await kube.kubeConfig(cluster);
        // No request deadline applies: each page of the list has a time limit of its own.
        const core = kube.coreOf(cluster, kc);
        return kube.informer<T>(kc, path, async () => {
          const listed = await kube.listEvery(page => list(core, page));
          onList(listed.items);
          return listed;
        });
      };
    this.serviceAccounts = new WatchedKind(
      `service accounts of cluster ${cluster.name}`,
      source('/api/v1/serviceaccounts', (core, page) => core.listServiceAccountForAllNamespaces(page)),
      logger,
      { trim: trimServiceAccount as (sa: ServiceAccountLike) => ServiceAccountLike, onError, ...liveness },
    ) as WatchedKind<ServiceAccountLike>;
    this.pods = new WatchedKind(
      `pods of cluster ${cluster.name}`,
      source('/api/v1/pods', (core, page) => core.listPodForAllNamespaces(page)),
      logger,
      { trim: trimPod as (pod: PodLike) => PodLike, keysOf: podKeys, onError, ...liveness },
    ) as WatchedKind<PodLike>;
  }

  start(): void {
    this.serviceAccounts.start();
    this.pods.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.serviceAccounts.stop(), this.pods.stop()]);
  }
}

/**
 * The {@link KubernetesReader} of entity views and `/verify`: each cluster's
 * service accounts and pods are watched by informers into memory, so that a
 * warm view makes no Kubernetes call. Until a kind's first list of a cluster
 * is in (start-up, or a cluster whose watch never came up, e.g. without the
 * `watch` permission) its reads go to `live` (the API servers) instead: no
 * read waits for a sync, none answers from an empty index. A watch that goes
 * down keeps its last data; {@link InformerKubernetesReader.staleness} says so.
 *
 * Lists are capped at irsa.kubernetes.maxItems as the API reader's are.
 * Objects are returned as copies: callers may not change the index.
 */
export class InformerKubernetesReader implements KubernetesReader {
  private readonly clusters = new Map<string, WatchedCluster>();

  constructor(
    private readonly kube: KubernetesClientFactory,
    private readonly live: KubernetesReader,
    private readonly logger: LoggerService,
    /** How long a watch may bring no event before its server is probed (WatchedKind); tests shorten it. */
    private readonly options: { silenceMs?: number } = {},
  ) {}

  /** Starts watching the clusters (in the background; returns at once). */
  start(clusters: ClusterConfig[]): void {
    for (const cluster of clusters) this.watched(cluster);
  }

  async stop(): Promise<void> {
    const clusters = [...this.clusters.values()];
    this.clusters.clear();
    await Promise.all(clusters.map(c => c.stop()));
  }

  async readServiceAccount(cluster: ClusterConfig, ref: ObjectRef) {
    const { serviceAccounts } = this.watched(cluster);
    if (!serviceAccounts.synced) return this.live.readServiceAccount(cluster, ref);
    return copy(serviceAccounts.index.get(ref));
  }

  async listServiceAccounts(cluster: ClusterConfig, query: LabelQuery) {
    const { serviceAccounts } = this.watched(cluster);
    if (!serviceAccounts.synced) return this.live.listServiceAccounts(cluster, query);
    return copy(serviceAccounts.index.select(query, this.kube.settings.maxItems));
  }

  async listPods(cluster: ClusterConfig, query: LabelQuery) {
    const { pods } = this.watched(cluster);
    if (!pods.synced) return this.live.listPods(cluster, query);
    return copy(pods.index.select(query, this.kube.settings.maxItems));
  }

  async listPodsOf(cluster: ClusterConfig, { namespace, name }: ObjectRef) {
    const { pods } = this.watched(cluster);
    if (!pods.synced) return this.live.listPodsOf(cluster, { namespace, name });
    return copy(pods.index.withKey(runsAsKey(namespace, name), this.kube.settings.maxItems));
  }

  /** Whether both kinds of the cluster have their first list in (reads come from memory). */
  isSynced(cluster: ClusterConfig): boolean {
    const watched = this.clusters.get(cluster.name);
    return Boolean(watched?.serviceAccounts.synced && watched.pods.synced);
  }

  /** The index versions of the cluster while both kinds are synced and watched (see KubernetesReader). */
  dataVersion(cluster: ClusterConfig): string | undefined {
    const watched = this.clusters.get(cluster.name);
    if (!watched || !this.isSynced(cluster) || this.staleness(cluster)) return undefined;
    return `${watched.serviceAccounts.index.version}.${watched.pods.index.version}`;
  }

  /** Whether reads of the cluster come from a watch that is down, and since when. */
  staleness(cluster: ClusterConfig): ClusterStaleness | undefined {
    const watched = this.clusters.get(cluster.name);
    const down = [watched?.serviceAccounts, watched?.pods]
      .map(kind => kind?.watchStatus)
      .filter(status => status?.syncedAt && status.downSince);
    if (down.length === 0) return undefined;
    const since = Math.min(...down.map(status => status!.downSince!.getTime()));
    const syncedAt = Math.min(...down.map(status => status!.syncedAt!.getTime()));
    return {
      syncedAt: new Date(syncedAt),
      staleSinceSeconds: Math.round((Date.now() - since) / 1000),
      reason: down[0]!.lastError ?? 'unknown',
    };
  }

  /** The cluster's watches, started on first use for a cluster not known at start-up. */
  private watched(cluster: ClusterConfig): WatchedCluster {
    let watched = this.clusters.get(cluster.name);
    if (!watched) {
      watched = new WatchedCluster(cluster, this.kube, this.logger, this.options.silenceMs);
      this.clusters.set(cluster.name, watched);
      watched.start();
    }
    return watched;
  }
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
