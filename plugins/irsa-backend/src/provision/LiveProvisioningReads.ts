import { ClusterConfig } from '../service/config';
import { ClusterService } from '../service/ClusterService';
import { IamReader, RoleRef } from '../service/IamReader';
import {
  KubernetesClientFactory,
  kubernetesStatus,
} from '../service/KubernetesClientFactory';
import { KubernetesReader, ObjectRef } from '../service/KubernetesReader';
import { ProvisioningReads } from './ProvisionPlanner';

/**
 * The reads of planning from AWS and the clusters, uncached (the cluster's
 * issuer excepted: it does not change under a cluster).
 */
export class LiveProvisioningReads implements ProvisioningReads {
  constructor(
    private readonly clusters: ClusterService,
    private readonly iam: IamReader,
    private readonly kube: KubernetesReader,
    private readonly kubeClients: KubernetesClientFactory,
  ) {}

  issuer(cluster: ClusterConfig) {
    return this.clusters.getIssuer(cluster);
  }

  oidcProviders(accountId: string) {
    return this.iam.listOidcProviders(accountId);
  }

  role(role: RoleRef) {
    return this.iam.readRole(role);
  }

  async namespaceExists(cluster: ClusterConfig, namespace: string) {
    const core = await this.kubeClients.core(cluster);
    try {
      await core.readNamespace({ name: namespace });
      return true;
    } catch (e) {
      if (kubernetesStatus(e) === 404) return false;
      throw e;
    }
  }

  serviceAccount(cluster: ClusterConfig, ref: ObjectRef) {
    return this.kube.readServiceAccount(cluster, ref);
  }
}
