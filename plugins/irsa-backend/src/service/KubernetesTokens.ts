import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import fs from 'node:fs/promises';
import { ClusterConfig } from './config';
import { eksBearerToken } from './eksToken';

/** Where a pod finds its own service account token, as the Kubernetes plugin reads it. */
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** EKS accepts a token for 15 minutes; a new one is made well before. */
const EKS_TOKEN_TTL_MS = 10 * 60_000;

/**
 * The bearer token of the backend's identity per cluster, by the cluster's
 * `authProvider` as the Kubernetes plugin defines them: `serviceAccount` (a
 * token, a token file re-read every time so rotation is picked up, or the
 * pod's own) and `aws` (an EKS token signed with the account's credentials,
 * through `kubernetes.io/aws-assume-role` of `authMetadata` when set).
 */
export class KubernetesTokens {
  private readonly eksTokens = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly awsCredentials?: (accountId: string) => Promise<AwsCredentialIdentityProvider>,
  ) {}

  async tokenFor(cluster: ClusterConfig): Promise<string | undefined> {
    if (cluster.authProvider === 'aws') {
      return this.eksToken(cluster);
    }
    if (cluster.serviceAccountTokenFile) {
      return (await fs.readFile(cluster.serviceAccountTokenFile, 'utf8')).trim();
    }
    if (cluster.serviceAccountToken) {
      return cluster.serviceAccountToken;
    }
    return fs.readFile(IN_CLUSTER_TOKEN, 'utf8').then(
      t => t.trim(),
      () => undefined,
    );
  }

  /** Drops the cluster's cached EKS token, so that the next one is signed anew. */
  forget(cluster: ClusterConfig): void {
    this.eksTokens.delete(cluster.name);
  }

  private async eksToken(cluster: ClusterConfig): Promise<string> {
    const cached = this.eksTokens.get(cluster.name);
    if (cached && cached.until > Date.now()) return cached.token;
    if (!this.awsCredentials) {
      throw new Error(`Cluster ${cluster.name} uses authProvider aws, but no AWS credentials are wired`);
    }
    let credentials = await this.awsCredentials(cluster.accountId);
    const assumeRole = cluster.authMetadata['kubernetes.io/aws-assume-role'];
    if (assumeRole) {
      credentials = fromTemporaryCredentials({
        masterCredentials: credentials,
        params: {
          RoleArn: assumeRole,
          RoleSessionName: 'backstage-irsa-kubernetes',
          ExternalId: cluster.authMetadata['kubernetes.io/aws-external-id'],
        },
        clientConfig: { region: cluster.region },
      });
    }
    const token = await eksBearerToken({
      clusterName: cluster.authMetadata['kubernetes.io/x-k8s-aws-id'] ?? cluster.eksClusterName,
      region: cluster.region,
      credentials,
    });
    this.eksTokens.set(cluster.name, { token, until: Date.now() + EKS_TOKEN_TTL_MS });
    return token;
  }
}
