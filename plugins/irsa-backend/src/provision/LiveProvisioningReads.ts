import { buildOidcProviderArn } from '@irsa-backstage/plugin-irsa-common';
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

  /**
   * One call in the usual case: the provider at the ARN IAM derives from the
   * issuer. Only when there is none there (a provider not created yet, or
   * registered under another spelling of the URL) are all of them listed.
   */
  async oidcProviders(accountId: string, issuer: string) {
    const provider = await this.iam.readOidcProvider(
      accountId,
      buildOidcProviderArn(accountId, issuer),
    );
    return provider ? [provider] : this.iam.listOidcProviders(accountId);
  }

  role(role: RoleRef) {
    return this.iam.readRole(role);
  }

  trustPolicy(role: RoleRef) {
    return this.iam.readTrustPolicy(role);
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
