import { PodLike, ServiceAccountLike } from '@irsa-backstage/plugin-irsa-common';
import { ClusterConfig } from './config';

/** A namespaced object: its namespace and name. */
export type ObjectRef = { namespace: string; name: string };

/** Objects selected by labels, in one namespace or (without one) in all of them. */
export type LabelQuery = { labelSelector: string; namespace?: string };

/**
 * A list read up to the reader's cap (irsa.kubernetes.maxItems); `truncated`
 * when more objects were left unread than the `items` returned.
 */
export type Listed<T> = { items: T[]; truncated: boolean };

/** Reads of a cluster answered from memory while its watch is down. */
export type ClusterStaleness = {
  /** When the data was last read in full. */
  syncedAt: Date;
  /** How long the watch has been down: the data may miss what changed since. */
  staleSinceSeconds: number;
  /** Why the watch is down. */
  reason: string;
};

/**
 * The Kubernetes reads discovery needs, of one configured cluster each.
 * Service accounts and pods are returned as the API server has them
 * (`V1ServiceAccount`, `V1Pod`), typed by the subsets irsa-common analyses.
 *
 * `KubernetesApiReader` reads them from the API servers, bounded by
 * KubernetesClientFactory (time limits, pagination, irsa.kubernetes.maxItems);
 * `InformerKubernetesReader` answers from watches kept in memory; tests use an
 * in-memory one.
 */
export interface KubernetesReader {
  /** The service account, or `undefined` when it does not exist. */
  readServiceAccount(cluster: ClusterConfig, ref: ObjectRef): Promise<ServiceAccountLike | undefined>;

  /** The service accounts that match the selector. */
  listServiceAccounts(cluster: ClusterConfig, query: LabelQuery): Promise<Listed<ServiceAccountLike>>;

  /** The pods that match the selector. */
  listPods(cluster: ClusterConfig, query: LabelQuery): Promise<Listed<PodLike>>;

  /** The pods running as a service account (`spec.serviceAccountName`). */
  listPodsOf(cluster: ClusterConfig, serviceAccount: ObjectRef): Promise<Listed<PodLike>>;

  /**
   * Whether the reads of the cluster may be out of date (a reader that
   * answers from memory, whose watch is down), or undefined when they are not.
   */
  staleness?(cluster: ClusterConfig): ClusterStaleness | undefined;

  /**
   * A token that changes whenever what the reads of the cluster answer may
   * change (a reader answering from memory: its index versions), so that an
   * answer built from them can be reused while it stays the same; undefined
   * when reads go to the API server or may be stale (nothing may be reused).
   */
  dataVersion?(cluster: ClusterConfig): string | undefined;
}
