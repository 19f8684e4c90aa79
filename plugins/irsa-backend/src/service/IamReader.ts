import { AttachedPolicy, RoleDetails } from '@irsa-backstage/plugin-irsa-common';

/** An IAM OIDC provider of an account, as the trust verdict needs it. */
export type OidcProvider = { arn: string; clientIds: string[] };

/** An IAM role: its ARN and the parts of it a read needs. */
export type RoleRef = { arn: string; accountId: string; roleName: string };

/** An EKS cluster: the account and region it lives in, and its name there. */
export type EksClusterRef = { accountId: string; region: string; eksClusterName: string };

/**
 * A managed policy, read with the credentials of `accountId` (the account of the role that
 * uses it; AWS managed policies have `aws` in their ARN).
 */
export type PolicyRef = { arn: string; accountId: string };

/**
 * The AWS reads discovery needs: a role with its policies, an account's IAM
 * OIDC providers, and the OIDC issuer EKS reports for a cluster (what the
 * providers and trust policies are checked against); and for the permission
 * simulator, one managed policy (a role's permissions boundary). Answers are
 * not cached here: BindingDiscovery, ClusterService and PermissionSimulation
 * cache them.
 *
 * `AwsIamReader` reads them with the AWS SDK, bounded by
 * AwsClientFactory; tests use an in-memory one.
 */
export interface IamReader {
  /**
   * The role with its trust policy, attached managed policies (with their
   * default-version documents), inline policies, permissions boundary and
   * tags; `undefined` when it does not exist.
   */
  readRole(role: RoleRef): Promise<RoleDetails | undefined>;

  /** Only the role's trust policy (one call); `undefined` when the role does not exist. */
  readTrustPolicy(role: RoleRef): Promise<string | undefined>;
  /**
   * A managed policy with its default-version document (as for a role's attached
   * policies); `undefined` when it does not exist.
   */
  readManagedPolicy(policy: PolicyRef): Promise<AttachedPolicy | undefined>;

  /** The IAM OIDC providers of an account, with their client IDs (audiences). */
  listOidcProviders(accountId: string): Promise<OidcProvider[]>;

  /** One IAM OIDC provider by ARN; `undefined` when the account has none there. */
  readOidcProvider(accountId: string, arn: string): Promise<OidcProvider | undefined>;

  /** The OIDC issuer URL of an EKS cluster; `undefined` when EKS reports none. */
  readClusterIssuer(cluster: EksClusterRef): Promise<string | undefined>;
}
