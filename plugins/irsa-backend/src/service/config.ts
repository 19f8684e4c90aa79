import { Config } from '@backstage/config';
import { parseRoleArn } from '@irsa-backstage/plugin-irsa-common';

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

/** How the backend talks to AWS. */
export interface AwsSettings {
  endpoint?: string;
  region: string;
  /** Attempts per call, retries included (adaptive retry mode). */
  maxAttempts: number;
  /** AWS calls in flight at once, per request (page view) and per process. */
  concurrency: { perRequest: number; perProcess: number };
}

/** How the backend lists Kubernetes objects. */
export interface KubernetesSettings {
  /** `limit` of one list page. */
  pageSize: number;
  /** Objects read by one list at most; the rest is reported, not read. */
  maxItems: number;
}

/** How long a page view waits, in milliseconds. */
export interface TimeoutSettings {
  awsMs: number;
  kubernetesMs: number;
}

/** The plugin's configuration, read and checked once at start-up. */
export interface IrsaConfig {
  aws: AwsSettings;
  kubernetes: KubernetesSettings;
  timeouts: TimeoutSettings;
  clusters: ClusterConfig[];
}

/** The defaults of config.d.ts. */
export const DEFAULTS = {
  awsMs: 10_000,
  kubernetesMs: 5_000,
  maxAttempts: 3,
  perRequest: 8,
  perProcess: 32,
  pageSize: 250,
  maxItems: 2_000,
} as const;

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Reads `irsa.*` from app-config. Mistakes fail start-up with the key that is
 * wrong, rather than surfacing later as a confusing AWS or Kubernetes error.
 */
export function readIrsaConfig(root: Config): IrsaConfig {
  const irsa = root.getOptionalConfig('irsa');
  const clusters = (irsa?.getOptionalConfigArray('clusters') ?? []).map(
    (c, index) => readCluster(c, `irsa.clusters[${index}]`),
  );
  checkClusterNames(clusters);
  checkAccountRoles(clusters);
  return {
    aws: readAws(irsa),
    kubernetes: {
      pageSize: integer(irsa, 'kubernetes.pageSize', DEFAULTS.pageSize, 1, 5_000),
      maxItems: integer(irsa, 'kubernetes.maxItems', DEFAULTS.maxItems, 1, 100_000),
    },
    timeouts: {
      awsMs: integer(irsa, 'timeouts.awsMs', DEFAULTS.awsMs, 100, 300_000),
      kubernetesMs: integer(irsa, 'timeouts.kubernetesMs', DEFAULTS.kubernetesMs, 100, 300_000),
    },
    clusters,
  };
}

function readCluster(c: Config, key: string): ClusterConfig {
  const name = c.getString('name');
  const accountId = c.getString('accountId');
  if (!ACCOUNT_ID.test(accountId)) {
    throw new Error(`${key}.accountId must be a 12-digit AWS account id, got '${accountId}'`);
  }
  const oidcIssuer = c.getOptionalString('oidcIssuer');
  if (oidcIssuer !== undefined && !/^https:\/\/[^\s/]+/.test(oidcIssuer)) {
    throw new Error(`${key}.oidcIssuer must be an https:// URL, got '${oidcIssuer}'`);
  }
  const awsRoleArn = c.getOptionalString('awsRoleArn') || undefined;
  if (awsRoleArn !== undefined && parseRoleArn(awsRoleArn)?.accountId !== accountId) {
    throw new Error(
      `${key}.awsRoleArn must be an IAM role ARN in the cluster's account ${accountId}, got '${awsRoleArn}'`,
    );
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
    awsRoleArn,
    url: c.getString('url'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    serviceAccountTokenFile,
    serviceAccountToken,
  };
}

function readAws(irsa: Config | undefined): AwsSettings {
  const perRequest = integer(irsa, 'aws.concurrency.perRequest', DEFAULTS.perRequest, 1, 1_000);
  const perProcess = integer(irsa, 'aws.concurrency.perProcess', DEFAULTS.perProcess, 1, 10_000);
  if (perRequest > perProcess) {
    throw new Error(
      `irsa.aws.concurrency.perRequest (${perRequest}) must not exceed irsa.aws.concurrency.perProcess (${perProcess})`,
    );
  }
  return {
    endpoint: irsa?.getOptionalString('aws.endpoint') || undefined,
    region: irsa?.getOptionalString('aws.region') ?? 'us-east-1',
    maxAttempts: integer(irsa, 'aws.maxAttempts', DEFAULTS.maxAttempts, 1, 10),
    concurrency: { perRequest, perProcess },
  };
}

function checkClusterNames(clusters: ClusterConfig[]) {
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (seen.has(cluster.name)) {
      throw new Error(`irsa.clusters: cluster name '${cluster.name}' is configured twice`);
    }
    seen.add(cluster.name);
  }
}

/** `awsRoleArn` is the role for its whole account, so clusters of one account must agree. */
function checkAccountRoles(clusters: ClusterConfig[]) {
  const roles = new Map<string, ClusterConfig>();
  for (const cluster of clusters.filter(c => c.awsRoleArn)) {
    const other = roles.get(cluster.accountId);
    if (other && other.awsRoleArn !== cluster.awsRoleArn) {
      throw new Error(
        `irsa.clusters: '${other.name}' and '${cluster.name}' are both in account ${cluster.accountId} ` +
          `but name different awsRoleArn ('${other.awsRoleArn}', '${cluster.awsRoleArn}')`,
      );
    }
    roles.set(cluster.accountId, cluster);
  }
}

/** An optional whole number within [min, max] (inclusive), or its default. */
function integer(
  irsa: Config | undefined,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = irsa?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`irsa.${key} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** The role to assume for AWS calls in each account that has one (`awsRoleArn`). */
export function accountRoles(clusters: ClusterConfig[]): Map<string, string> {
  return new Map(
    clusters.filter(c => c.awsRoleArn).map(c => [c.accountId, c.awsRoleArn!] as const),
  );
}
