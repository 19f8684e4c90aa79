import { Config } from '@backstage/config';
import { parseRoleArn } from '@irsa-backstage/plugin-irsa-common';

/** How the backend authenticates to a cluster's API server, as the Kubernetes plugin names it. */
export type KubernetesAuthProvider = 'serviceAccount' | 'aws';

/**
 * A cluster as configured under `irsa.clusters`, its connection either there
 * (`url` ...) or from the Kubernetes plugin's `kubernetes.clusterLocatorMethods`
 * (see config.d.ts).
 */
export interface ClusterConfig {
  name: string;
  accountId: string;
  region: string;
  eksClusterName: string;
  oidcIssuer?: string;
  awsRoleArn?: string;
  url: string;
  caFile?: string;
  caData?: string;
  skipTLSVerify: boolean;
  authProvider: KubernetesAuthProvider;
  /** The Kubernetes plugin's `authMetadata` (e.g. `kubernetes.io/aws-assume-role`). */
  authMetadata: Record<string, string>;
  serviceAccountTokenFile?: string;
  serviceAccountToken?: string;
  /** Where the connection came from: `irsa.clusters` or `kubernetes.clusterLocatorMethods`. */
  connectionFrom: 'irsa' | 'kubernetes';
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

/** The scheduled estate-wide inventory. */
export interface InventorySettings {
  frequencyMinutes: number;
  initialDelaySeconds: number;
  /** Service accounts, or pods, one cluster may have; more is an error for that cluster. */
  maxObjects: number;
  /** How long reading one cluster's service accounts and pods may take. */
  clusterTimeoutMs: number;
}

/** The plugin's configuration, read and checked once at start-up. */
export interface IrsaConfig {
  aws: AwsSettings;
  /** How long an unchanged entity view is reused (EntityViews); 0: never. */
  entityViews: { reuseSeconds: number };
  inventory: InventorySettings;
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
  const kubernetesClusters = readKubernetesPluginClusters(root);
  const clusters = (irsa?.getOptionalConfigArray('clusters') ?? []).map(
    (c, index) => readCluster(c, `irsa.clusters[${index}]`, kubernetesClusters),
  );
  checkClusterNames(clusters);
  checkAccountRoles(clusters);
  return {
    aws: readAws(irsa),
    entityViews: {
      reuseSeconds: integer(irsa, 'entityViews.reuseSeconds', 10, 0, 300),
    },
    inventory: {
      frequencyMinutes: integer(irsa, 'inventory.frequencyMinutes', 10, 1, 1_440),
      initialDelaySeconds: integer(irsa, 'inventory.initialDelaySeconds', 10, 0, 3_600),
      maxObjects: integer(irsa, 'inventory.maxObjects', 100_000, 1, 10_000_000),
      clusterTimeoutMs: integer(irsa, 'inventory.clusterTimeoutMs', 120_000, 100, 3_600_000),
    },
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

function readCluster(
  c: Config,
  key: string,
  kubernetesClusters: Map<string, Config>,
): ClusterConfig {
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
  const connection = c.has('url')
    ? readConnection(c, key, 'irsa')
    : kubernetesConnection(name, key, kubernetesClusters);
  const region = c.getOptionalString('region') ?? eksRegion(connection.url);
  if (!region) {
    throw new Error(
      `${key}.region is required: the API server URL ${connection.url} is not an EKS one to read it from`,
    );
  }
  return {
    name,
    accountId,
    region,
    eksClusterName:
      c.getOptionalString('eksClusterName') ??
      connection.authMetadata['kubernetes.io/x-k8s-aws-id'] ??
      name,
    oidcIssuer,
    awsRoleArn,
    ...connection,
  };
}

type Connection = Pick<
  ClusterConfig,
  | 'url'
  | 'caFile'
  | 'caData'
  | 'skipTLSVerify'
  | 'authProvider'
  | 'authMetadata'
  | 'serviceAccountTokenFile'
  | 'serviceAccountToken'
  | 'connectionFrom'
>;

const AUTH_PROVIDERS: KubernetesAuthProvider[] = ['serviceAccount', 'aws'];

/** The connection keys of a cluster entry (ours, or the Kubernetes plugin's). */
function readConnection(c: Config, key: string, from: 'irsa' | 'kubernetes'): Connection {
  const authProvider = c.getOptionalString('authProvider') ?? 'serviceAccount';
  if (!AUTH_PROVIDERS.includes(authProvider as KubernetesAuthProvider)) {
    throw new Error(
      `${key}.authProvider '${authProvider}' is not supported by the IRSA plugin (${AUTH_PROVIDERS.join(', ')})`,
    );
  }
  const serviceAccountTokenFile = c.getOptionalString('serviceAccountTokenFile');
  const serviceAccountToken = c.getOptionalString('serviceAccountToken');
  if (serviceAccountTokenFile && serviceAccountToken) {
    throw new Error(`${key}: set serviceAccountTokenFile or serviceAccountToken, not both`);
  }
  // Read whole: its keys (`kubernetes.io/aws-assume-role`) are not valid config keys.
  const metadata = c.getOptional<Record<string, unknown>>('authMetadata') ?? {};
  return {
    url: c.getString('url'),
    caFile: c.getOptionalString('caFile'),
    caData: c.getOptionalString('caData'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    authProvider: authProvider as KubernetesAuthProvider,
    authMetadata: Object.fromEntries(
      Object.entries(metadata).map(([k, v]) => [k, String(v)]),
    ),
    serviceAccountTokenFile,
    serviceAccountToken,
    connectionFrom: from,
  };
}

/** `type: config` clusters of the Kubernetes plugin, by name. */
function readKubernetesPluginClusters(root: Config): Map<string, Config> {
  const clusters = new Map<string, Config>();
  const methods = root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods.filter(m => m.getString('type') === 'config')) {
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      clusters.set(cluster.getString('name'), cluster);
    }
  }
  return clusters;
}

function kubernetesConnection(
  name: string,
  key: string,
  kubernetesClusters: Map<string, Config>,
): Connection {
  const cluster = kubernetesClusters.get(name);
  if (!cluster) {
    throw new Error(
      `${key} has no url, and kubernetes.clusterLocatorMethods has no type: config cluster named '${name}'`,
    );
  }
  return readConnection(cluster, `kubernetes cluster '${name}'`, 'kubernetes');
}

/** The region in an EKS API server URL (`https://<id>.<shard>.<region>.eks.amazonaws.com`). */
function eksRegion(url: string): string | undefined {
  return /^https:\/\/[^/]+\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.eks\.amazonaws\.com(?:[:/]|$)/.exec(url)?.[1];
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
