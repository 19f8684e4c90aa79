export interface Config {
  /** Configuration of the IRSA plugin. */
  irsa?: {
    /** How the backend reaches AWS. Credentials come from the `aws` app-config section (integration-aws-node). */
    aws?: {
      /**
       * Endpoint override for every AWS client (IAM, STS, EKS). Only for local
       * emulators such as the moto server of the demo sandbox; leave unset for real AWS.
       */
      endpoint?: string;
      /** Region used for IAM/STS calls when a cluster does not say. Default us-east-1. */
      region?: string;
      /**
       * Attempts per AWS call, the first included; throttling and transient errors are
       * retried with backoff in the SDK's adaptive mode. 1 to 10, default 3.
       */
      maxAttempts?: number;
      /** How many AWS calls may be in flight at once (IAM is rate limited per account). */
      concurrency?: {
        /** Per request (one page view, one /clusters answer). Default 8. */
        perRequest?: number;
        /** For the whole backend process. Default 32; at least perRequest. */
        perProcess?: number;
      };
    };
    /**
     * Entity views (`GET /entities/.../bindings`) are reused while the entity's annotations,
     * the clusters' service accounts and pods (as the watches see them) and the roles read
     * from IAM stay the same.
     */
    entityViews?: {
      /**
       * At most this many seconds, which bounds how long an IAM change (beyond the role
       * cache's minute) or a new inventory refresh waits to show. 0 to 300, default 10; 0
       * builds every view anew. A granted view check (`irsa.binding.read` and the catalog
       * lookup with the caller's credentials) is reused as long for the same caller and
       * entity, so a revoked grant also takes at most this long to count; 0 checks every
       * request.
       */
      reuseSeconds?: number;
    };
    /**
     * The estate-wide inventory (`GET /bindings`): a task of the scheduler, run by one
     * replica per interval, reads IAM in bulk per account and every cluster's service
     * accounts and pods, and stores the bindings in the plugin database.
     */
    inventory?: {
      /** Minutes between refreshes. Default 10. */
      frequencyMinutes?: number;
      /** Seconds after start-up before the first refresh. Default 10. */
      initialDelaySeconds?: number;
      /** Service accounts (or pods) one cluster may have; more fails that cluster. Default 100000. */
      maxObjects?: number;
      /** Milliseconds reading one cluster's service accounts and pods may take. Default 120000. */
      clusterTimeoutMs?: number;
    };
    /** How the backend reads Kubernetes lists (service accounts, pods). */
    kubernetes?: {
      /** `limit` of one list page; lists are read page by page with `continue`. 1 to 5000, default 250. */
      pageSize?: number;
      /**
       * Objects one list may read at most, so that one huge namespace cannot exhaust memory;
       * a longer list is cut and reported in the answer's errors. Default 2000.
       */
      maxItems?: number;
    };
    /**
     * How long a page view waits. A cluster or account that does not answer in time is
     * reported in the answer (`errors`, or the binding's `error`); the rest is answered.
     */
    timeouts?: {
      /**
       * Milliseconds the AWS calls of one request may take together, counted from its first
       * AWS call and including retries and waiting for a concurrency slot; a call outside a
       * request gets this much of its own. 100 to 300000, default 10000.
       */
      awsMs?: number;
      /**
       * Milliseconds one request's reads of one cluster's API server may take together
       * (every page of every list); a call outside a request gets this much of its own.
       * 100 to 300000, default 5000.
       */
      kubernetesMs?: number;
    };
    /** Self-service provisioning (`POST /provision/plan` and `/provision/apply`). */
    provisioning?: {
      /**
       * Create the IAM OIDC provider of a cluster's issuer in its account when it is missing.
       * Default false: a missing provider refuses the request (409).
       */
      createOidcProvider?: boolean;
      /** What a provisioning request may ask for; checked before anything is read or written. */
      guardrails?: {
        /**
         * Managed policy ARNs (IAM wildcards `*` and `?`) that may be attached; when set, any
         * other ARN is refused.
         */
        allowedManagedPolicyArns?: string[];
        /** Managed policy ARNs (IAM wildcards) that may never be attached. */
        deniedManagedPolicyArns?: string[];
        /**
         * Actions an inline policy may not grant, by a pattern that covers them (e.g. `iam:Put*`
         * grants `iam:PutRolePolicy`). Default: `*`, `iam:*` and the single-action
         * privilege-escalation actions of irsa-common.
         */
        forbiddenActions?: string[];
        /** Every provisioned role gets this permissions boundary; a request may not name another. */
        requiredPermissionsBoundaryArn?: string;
        /** Prefix of role names: derived names start with it, requested names must. Default `irsa-`. */
        roleNamePrefix?: string;
        /** IAM path of provisioned roles. Default `/`. */
        rolePath?: string;
        /** Tags every provisioned role gets. */
        extraTags?: { [key: string]: string };
        /**
         * Accept inline policies and managed policies that the permission analysis rates
         * critical or high (e.g. administrator access). Default false.
         */
        allowRiskyPolicies?: boolean;
      };
    };
    /**
     * The Kubernetes clusters whose service accounts the plugin discovers and provisions.
     * An entry without `url` is the cluster of the same name under the Kubernetes plugin's
     * `kubernetes.clusterLocatorMethods` (`type: config`): its URL, CA, `authProvider`
     * (`serviceAccount` or `aws`), token and `authMetadata` are used from there, and only
     * what IRSA needs (account, region, a non-EKS issuer) is given here.
     */
    clusters?: Array<{
      /** Name used in the API, in `irsa.backstage.io/service-accounts` annotations and in the UI. */
      name: string;
      /** AWS account of the cluster (and, by default, of the roles its workloads use). */
      accountId: string;
      /** AWS region of the cluster; read from an EKS API server URL when absent. */
      region?: string;
      /** EKS cluster name; the OIDC issuer is read with DescribeCluster. Defaults to `name`. */
      eksClusterName?: string;
      /**
       * OIDC issuer URL for clusters that are not EKS (their own issuer, e.g.
       * `https://irsa.<installation>.example.io`). When set, EKS is not asked.
       */
      oidcIssuer?: string;
      /**
       * Role to assume (STS AssumeRole, from the backend's own AWS identity: the `aws`
       * section's main account) for every AWS call in `accountId`: this cluster's EKS
       * DescribeCluster, and the IAM reads of that account (its OIDC providers and the
       * roles in it). Must be a role in `accountId`; clusters of one account must agree.
       */
      awsRoleArn?: string;
      /**
       * Kubernetes API server URL. Absent: the cluster of this name in
       * `kubernetes.clusterLocatorMethods` (type `config`) supplies the connection.
       */
      url?: string;
      /** PEM file of the API server's CA. */
      caFile?: string;
      /** Skip TLS verification of the API server (development only). */
      skipTLSVerify?: boolean;
      /**
       * File holding the bearer token of the backend's Kubernetes identity;
       * re-read on every client creation so rotated tokens are picked up.
       * @visibility secret
       */
      serviceAccountTokenFile?: string;
      /**
       * Bearer token of the backend's Kubernetes identity.
       * @visibility secret
       */
      serviceAccountToken?: string;
    }>;
  };
}
