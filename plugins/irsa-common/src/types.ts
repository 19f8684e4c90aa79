/**
 * Shared types of the IRSA plugin family: finding codes, policy documents and
 * the data model (clusters, service accounts, bindings, roles) of
 * docs/architecture.md.
 */
import type { PermissionSummary } from './permissions-analysis/analyzePermissions';
import type { AnalyzeTrustResult } from './trust/types';

/**
 * How bad a finding is, most severe first.
 *
 * @public
 */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/**
 * Every severity, most severe first; handy for sorting and filters.
 *
 * @public
 */
export const SEVERITIES: readonly Severity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
];

/**
 * The stable finding codes with their severities (docs/architecture.md,
 * "Finding codes").
 * The UI, the REST API, tests and docs use these exact strings.
 *
 * @public
 */
export const FINDING_SEVERITIES = {
  OIDC_PROVIDER_MISSING: 'critical',
  OIDC_PROVIDER_AUDIENCE_MISSING: 'high',
  TRUST_ISSUER_MISMATCH: 'high',
  TRUST_PROVIDER_OTHER_ACCOUNT: 'high',
  TRUST_ACTION_MISMATCH: 'high',
  TRUST_SUB_MISMATCH: 'high',
  TRUST_AUD_MISMATCH: 'high',
  TRUST_CONDITION_KEY_FOREIGN: 'high',
  TRUST_STRINGEQUALS_WILDCARD: 'medium',
  TRUST_EXPLICIT_DENY: 'high',
  TRUST_SUB_UNRESTRICTED: 'critical',
  TRUST_SUB_WILDCARD_CLUSTER: 'critical',
  TRUST_SUB_WILDCARD_NAMESPACE: 'medium',
  TRUST_AUD_UNRESTRICTED: 'low',
  TRUST_SET_OPERATOR_MISUSE: 'medium',
  TRUST_POLICY_NEAR_LIMIT: 'low',
  TRUST_MALFORMED: 'high',
  SA_ANNOTATION_INVALID: 'high',
  SA_ROLE_NOT_FOUND: 'high',
  SA_ANNOTATION_KEY_TYPO: 'high',
  ROLE_NO_SERVICE_ACCOUNT: 'low',
  POD_NOT_INJECTED: 'high',
  POD_STATIC_CREDENTIALS: 'medium',
  SA_TOKEN_EXPIRATION_CLAMPED: 'low',
  POD_ROLE_STALE: 'medium',
  PERM_ADMIN: 'critical',
  PERM_PRIVILEGE_ESCALATION: 'high',
  PERM_SERVICE_WILDCARD: 'medium',
  PERM_WRITE_ON_ANY_RESOURCE: 'medium',
  PERM_NOT_ACTION: 'high',
} as const satisfies Record<string, Severity>;

/**
 * A stable finding code, e.g. `TRUST_SUB_MISMATCH`.
 *
 * @public
 */
export type FindingCode = keyof typeof FINDING_SEVERITIES;

/**
 * Every finding code, in the order of the table in docs/architecture.md.
 *
 * @public
 */
export const FINDING_CODES = Object.keys(
  FINDING_SEVERITIES,
) as readonly FindingCode[];

/**
 * A policy condition block: operator (e.g. `StringEquals`) to condition key to
 * one value or a list of values. IAM also accepts booleans and numbers.
 *
 * @public
 */
export type PolicyCondition = Record<
  string,
  Record<string, PolicyConditionValue | PolicyConditionValue[]>
>;

/**
 * One value of a condition, as it may appear in policy JSON.
 *
 * @public
 */
export type PolicyConditionValue = string | number | boolean;

/**
 * A `Principal` / `NotPrincipal` element: `"*"` or a map such as
 * `{ Federated: "arn:aws:iam::111122223333:oidc-provider/..." }`.
 *
 * @public
 */
export type PolicyPrincipal = '*' | Record<string, string | string[]>;

/**
 * One statement of an IAM policy document, as written.
 *
 * @public
 */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: PolicyCondition;
}

/**
 * An IAM policy document (trust or permission policy), as written.
 *
 * @public
 */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/**
 * A problem or risk found by the analysis.
 *
 * `code`, `severity`, `message`, `hint` and `statementIndex` are the contract
 * of docs/architecture.md; the other fields are optional extras for the UI.
 *
 * @public
 */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** What is wrong, in one or two sentences. */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Index of the statement (in the normalised `Statement` array) the finding is about. */
  statementIndex?: number;
  /** Permission findings: the name of the policy the statement is in. */
  policyName?: string;
  /** Permission findings: the ARN of the managed policy the statement is in. */
  policyArn?: string;
  /** Discovery findings: the pod the finding is about. */
  podName?: string;
  /**
   * Where the fix is mechanical: the whole trust policy with just this problem
   * corrected, ready to copy into `aws iam update-assume-role-policy`.
   */
  suggestedTrustPolicy?: PolicyDocument;
}

/**
 * A Kubernetes cluster whose service accounts may assume IAM roles.
 *
 * @public
 */
export interface Cluster {
  /** Name used in config, in `cluster/namespace/name` refs and in the UI. */
  name: string;
  /** AWS account the cluster (and normally its OIDC provider) lives in. */
  accountId: string;
  region: string;
  /**
   * OIDC issuer URL, from EKS DescribeCluster or configured for a non-EKS
   * cluster, e.g. `https://oidc.eks.us-west-2.amazonaws.com/id/ABC...`.
   */
  oidcIssuer: string;
  /** API server URL used to reach the cluster, when known. */
  apiServerUrl?: string;
}

/**
 * A Kubernetes service account, by cluster, namespace and name.
 *
 * @public
 */
export interface ServiceAccountRef {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * An IAM policy attached to a role, with its (default-version) document.
 *
 * @public
 */
export interface AttachedPolicy {
  arn: string;
  name?: string;
  defaultVersionId?: string;
  /** Default-version document; absent when it could not be read. */
  document?: string | PolicyDocument;
}

/**
 * An inline policy of a role.
 *
 * @public
 */
export interface InlinePolicy {
  name: string;
  document: string | PolicyDocument;
}

/**
 * An IAM role as the analysis needs it.
 *
 * @public
 */
export interface RoleDetails {
  arn: string;
  name?: string;
  /** Trust (assume-role) policy: object, JSON or URL-encoded JSON as IAM returns it. */
  trustPolicy: string | PolicyDocument;
  attachedPolicies: AttachedPolicy[];
  inlinePolicies: InlinePolicy[];
  permissionsBoundaryArn?: string;
  tags: Record<string, string>;
}

/**
 * Answer of {@link analyzeTrust}: would `sts:AssumeRoleWithWebIdentity`
 * succeed for this service account's token against this role?
 *
 * @public
 */
export interface TrustVerdict {
  allowed: boolean;
  findings: Finding[];
  /** Indices of the statements that apply to the request (Allow and Deny). */
  matchedStatements: number[];
}

/**
 * How a service account came to be bound to a role.
 * `annotation`: its `eks.amazonaws.com/role-arn` names the role;
 * `trust`: the role's trust policy names the service account (no annotation);
 * `tag`: the role's `backstage.io/entity-ref` tag names the entity;
 * `request`: a caller asked about this role (`POST /verify` with `roleArn`).
 *
 * @public
 */
export type BindingSource = 'annotation' | 'trust' | 'tag' | 'request';

/**
 * A pod that runs as a bound service account, as the UI shows it.
 *
 * @public
 */
export interface BindingPod {
  name: string;
  /** The AWS_ROLE_ARN the webhook injected, if any. */
  injectedRoleArn?: string;
}

/**
 * A service account, the IAM role it maps to and everything the product
 * found out about the pair.
 *
 * @public
 */
export interface Binding {
  serviceAccount: ServiceAccountRef;
  /** Role ARN from the annotation (or of the role that trusts the service account). */
  roleArn?: string;
  source: BindingSource;
  /** Whether the service account exists in the cluster (false for tag-only roles). */
  serviceAccountExists?: boolean;
  role?: RoleDetails;
  /** The trust verdict, with its explanations when they were computed. */
  verdict?: AnalyzeTrustResult;
  /** The permission analysis of the role's policies. */
  permissions?: { findings: Finding[]; summary?: PermissionSummary };
  pods: BindingPod[];
  findings: Finding[];
  /** Catalog entity the service account belongs to, e.g. `component:default/payments-api`. */
  entityRef?: string;
}
