import type * as K8s from '@kubernetes/client-node';
import { ClusterConfig } from './config';
import { KubernetesClientFactory, kubernetesStatus } from './KubernetesClientFactory';
import { KubernetesReader, LabelQuery, ObjectRef } from './KubernetesReader';
import { requestState } from './limits';

/**
 * The {@link KubernetesReader} of the plugin: the clusters' API servers as
 * the backend's own (restricted) identity, through {@link KubernetesClientFactory}
 * (time limits, pagination, irsa.kubernetes.maxItems).
 *
 * Within `runAsOneRequest` (a page view) the reads of one cluster share
 * one client, so the token file is read once, and one deadline
 * (irsa.timeouts.kubernetesMs); outside it each read has a client and a time
 * limit of its own.
 */
export class KubernetesApiReader implements KubernetesReader {
  constructor(private readonly kube: KubernetesClientFactory) {}

  async readServiceAccount(cluster: ClusterConfig, ref: ObjectRef) {
    const core = await this.core(cluster);
    try {
      return await core.readNamespacedServiceAccount(ref);
    } catch (e) {
      if (kubernetesStatus(e) === 404) return undefined;
      throw e;
    }
  }

  async listServiceAccounts(cluster: ClusterConfig, { labelSelector, namespace }: LabelQuery) {
    const core = await this.core(cluster);
    return this.kube.listAll(page =>
      namespace
        ? core.listNamespacedServiceAccount({ namespace, labelSelector, ...page })
        : core.listServiceAccountForAllNamespaces({ labelSelector, ...page }),
    );
  }

  async listPods(cluster: ClusterConfig, { labelSelector, namespace }: LabelQuery) {
    const core = await this.core(cluster);
    return this.kube.listAll(page =>
      namespace
        ? core.listNamespacedPod({ namespace, labelSelector, ...page })
        : core.listPodForAllNamespaces({ labelSelector, ...page }),
    );
  }

  /** The API server filters the pods by their service account. */
  async listPodsOf(cluster: ClusterConfig, { namespace, name }: ObjectRef) {
    const core = await this.core(cluster);
    const fieldSelector = `spec.serviceAccountName=${name}`;
    return this.kube.listAll(page => core.listNamespacedPod({ namespace, fieldSelector, ...page }));
  }

  /** The cluster's core API: the current request's, else one for this read alone. */
  private core(cluster: ClusterConfig): Promise<K8s.CoreV1Api> {
    const clients = requestState(this, () => new Map<string, Promise<K8s.CoreV1Api>>());
    if (!clients) {
      return this.kube.core(cluster);
    }
    let core = clients.get(cluster.name);
    if (!core) {
      core = this.kube.core(cluster, this.kube.requestDeadline(cluster));
      clients.set(cluster.name, core);
    }
    return core;
  }
}
