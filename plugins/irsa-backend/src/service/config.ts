import { Config } from '@backstage/config';

/** A cluster as configured under `irsa.clusters` (see config.d.ts). */
export interface ClusterConfig {
  name: string;
  accountId: string;
  region: string;
  eksClusterName: string;
  oidcIssuer?: string;
  awsRoleArn?: string;
  url: string;
  caFile?: string;
  skipTLSVerify: boolean;
  serviceAccountTokenFile?: string;
  serviceAccountToken?: string;
}

/** The plugin's configuration, read and checked once at start-up. */
export interface IrsaConfig {
  aws: { endpoint?: string; region: string };
  clusters: ClusterConfig[];
}

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Reads `irsa.*` from app-config. Mistakes fail start-up with the key that is
 * wrong, rather than surfacing later as a confusing AWS or Kubernetes error.
 */
export function readIrsaConfig(root: Config): IrsaConfig {
  const irsa = root.getOptionalConfig('irsa');
  const clusters = (irsa?.getOptionalConfigArray('clusters') ?? []).map(
    (c, index): ClusterConfig => {
      const key = `irsa.clusters[${index}]`;
      const name = c.getString('name');
      const accountId = c.getString('accountId');
      if (!ACCOUNT_ID.test(accountId)) {
        throw new Error(`${key}.accountId must be a 12-digit AWS account id, got '${accountId}'`);
      }
      const oidcIssuer = c.getOptionalString('oidcIssuer');
      if (oidcIssuer !== undefined && !/^https:\/\/[^\s/]+/.test(oidcIssuer)) {
        throw new Error(`${key}.oidcIssuer must be an https:// URL, got '${oidcIssuer}'`);
      }
      const serviceAccountTokenFile = c.getOptionalString('serviceAccountTokenFile');
      const serviceAccountToken = c.getOptionalString('serviceAccountToken');
      if (serviceAccountTokenFile && serviceAccountToken) {
        throw new Error(`${key}: set serviceAccountTokenFile or serviceAccountToken, not both`);
      }
      return {
        name,
        accountId,
        region: c.getString('region'),
        eksClusterName: c.getOptionalString('eksClusterName') ?? name,
        oidcIssuer,
        awsRoleArn: c.getOptionalString('awsRoleArn'),
        url: c.getString('url'),
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        serviceAccountTokenFile,
        serviceAccountToken,
      };
    },
  );
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (seen.has(cluster.name)) {
      throw new Error(`irsa.clusters: cluster name '${cluster.name}' is configured twice`);
    }
    seen.add(cluster.name);
  }
  return {
    aws: {
      endpoint: irsa?.getOptionalString('aws.endpoint') || undefined,
      region: irsa?.getOptionalString('aws.region') ?? 'us-east-1',
    },
    clusters,
  };
}
