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
    };
    /** The Kubernetes clusters whose service accounts the plugin discovers and provisions. */
    clusters?: Array<{
      /** Name used in the API, in `irsa.backstage.io/service-accounts` annotations and in the UI. */
      name: string;
      /** AWS account of the cluster (and, by default, of the roles its workloads use). */
      accountId: string;
      /** AWS region of the cluster. */
      region: string;
      /** EKS cluster name; the OIDC issuer is read with DescribeCluster. Defaults to `name`. */
      eksClusterName?: string;
      /**
       * OIDC issuer URL for clusters that are not EKS (their own issuer, e.g.
       * `https://irsa.<installation>.example.io`). When set, EKS is not asked.
       */
      oidcIssuer?: string;
      /** Role to assume in `accountId` for AWS calls about this cluster (integration-aws-node). */
      awsRoleArn?: string;
      /** Kubernetes API server URL. */
      url: string;
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
