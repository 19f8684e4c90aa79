import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  buildOidcProviderArn,
  ClusterStatus,
} from '@irsa-backstage/plugin-irsa-common';
import { ClusterConfig, IrsaConfig } from './config';
import { IamReader, OidcProvider } from './IamReader';
import { runAsOneRequest } from './limits';
import { describeError, ReadThroughCache } from './ReadThroughCache';

/** Issuers change only when a cluster is re-created. */
const ISSUER_TTL_MS = 60 * 60 * 1000;
/** Providers change when someone adds one; a few minutes is fresh enough for a page. */
const PROVIDERS_TTL_MS = 5 * 60 * 1000;

/**
 * The configured clusters, their OIDC issuers and their accounts' IAM OIDC
 * providers, read through an {@link IamReader}. Its answers are cached (shared
 * across replicas through the cache service) and concurrent requests for the
 * same thing share one read.
 */
export class ClusterService {
  private readonly cache: ReadThroughCache;

  constructor(
    private readonly config: IrsaConfig,
    private readonly iam: IamReader,
    cache: CacheService,
    logger: LoggerService,
  ) {
    this.cache = new ReadThroughCache(cache, logger);
  }

  listClusterConfigs(): ClusterConfig[] {
    return this.config.clusters;
  }

  /** Every cluster's status; one request, so its AWS calls share one time limit and cap. */
  async listClusters(): Promise<ClusterStatus[]> {
    return runAsOneRequest(() =>
      Promise.all(this.config.clusters.map(c => this.clusterStatus(c))),
    );
  }

  /** The OIDC issuer of a cluster: configured, or read from EKS. */
  async getIssuer(cluster: ClusterConfig): Promise<string> {
    if (cluster.oidcIssuer) {
      return cluster.oidcIssuer;
    }
    return this.cache.get(`cluster-issuer:${cluster.name}`, ISSUER_TTL_MS, async () => {
      const issuer = await this.iam.readClusterIssuer(cluster);
      if (!issuer) {
        throw new Error(
          `EKS cluster ${cluster.eksClusterName} in ${cluster.region} has no OIDC issuer`,
        );
      }
      return issuer;
    });
  }

  /** The IAM OIDC providers of an account, with their client IDs. */
  async getOidcProviders(accountId: string): Promise<OidcProvider[]> {
    return this.cache.get(`oidc-providers:${accountId}`, PROVIDERS_TTL_MS, () =>
      this.iam.listOidcProviders(accountId),
    );
  }

  private async clusterStatus(cluster: ClusterConfig): Promise<ClusterStatus> {
    const status: ClusterStatus = {
      name: cluster.name,
      accountId: cluster.accountId,
      region: cluster.region,
      issuerSource: cluster.oidcIssuer ? 'config' : 'eks',
      oidcProvider: 'unknown',
    };
    try {
      status.oidcIssuer = await this.getIssuer(cluster);
    } catch (e) {
      status.error = `Could not read the OIDC issuer of cluster ${cluster.name}: ${describeError(e)}`;
      return status;
    }
    status.oidcProviderArn = buildOidcProviderArn(cluster.accountId, status.oidcIssuer);
    try {
      const providers = await this.getOidcProviders(cluster.accountId);
      const provider = providers.find(p => p.arn === status.oidcProviderArn);
      status.oidcProvider = provider ? 'present' : 'missing';
      status.oidcProviderClientIds = provider?.clientIds;
    } catch (e) {
      status.error = `Could not list the IAM OIDC providers of account ${cluster.accountId}: ${describeError(e)}`;
    }
    return status;
  }
}
