/**
 * Input and output of the trust verdict.
 */
import type { AnalysisCache } from '../analysisCache';
import type { Finding, PolicyDocument, TrustVerdict } from '../types';

/**
 * An IAM OIDC provider of the role's account, as ListOpenIDConnectProviders /
 * GetOpenIDConnectProvider describe it.
 *
 * @public
 */
export interface OidcProviderInfo {
  arn: string;
  /** Client IDs (audiences); absent when not read. */
  clientIds?: string[];
}

/**
 * Input of {@link analyzeTrust} (contract in docs/architecture.md, plus
 * optional switches).
 *
 * @public
 */
export interface AnalyzeTrustInput {
  /** Object, JSON, or URL-encoded JSON as IAM returns it. */
  trustPolicy: string | PolicyDocument;
  roleArn: string;
  /** `audience` defaults to `sts.amazonaws.com`. */
  serviceAccount: { namespace: string; name: string; audience?: string };
  /** e.g. `https://oidc.eks.us-west-2.amazonaws.com/id/ABC...` */
  oidcIssuer: string;
  /** The role account's IAM OIDC providers; null or absent = unknown. */
  oidcProviders?: OidcProviderInfo[] | null;
  /**
   * Compute per-statement explanations (`statements`, `request`); default
   * true. Bulk inventory may turn it off.
   */
  explain?: boolean;
  /** Compute suggested trust policies for mechanical fixes; default true. */
  suggestFixes?: boolean;
  /**
   * Shared with other analyses, so policies, ARNs and patterns seen before
   * are not parsed again (see {@link createAnalysisCache}); default: one for
   * this call only.
   */
  cache?: AnalysisCache;
}

/**
 * What a condition key refers to in a web-identity request of this cluster.
 *
 * - `subject` / `audience`: this issuer's `:sub` / `:aud`, present in the request;
 * - `issuer-claim`: another claim of this issuer, never in a service-account token;
 * - `other-issuer`: prefixed with another issuer, never present;
 * - `provider-arn`: prefixed with a provider ARN instead of the issuer, never present;
 * - `context`: a global or service key (`aws:SourceIp`, ...) whose value
 *   depends on the actual call, so it cannot be decided here.
 *
 * @public
 */
export type ConditionKeyKind =
  | 'subject'
  | 'audience'
  | 'issuer-claim'
  | 'other-issuer'
  | 'provider-arn'
  | 'context';

/**
 * How one (operator, key) entry of a Condition block fared.
 *
 * @public
 */
export interface ConditionExplanation {
  /** Operator as written, e.g. `StringLike`. */
  operator: string;
  /** Key as written. */
  key: string;
  keyKind: ConditionKeyKind;
  /** The values the policy expects (ORed). */
  expected: string[];
  /** The values this request carries; undefined when the key is absent or unknown. */
  actual?: string[];
  /** `unknown` for context keys: assumed satisfied by Allow, not by Deny. */
  outcome: 'matched' | 'not-matched' | 'unknown';
}

/**
 * How one statement fared against the request.
 *
 * @public
 */
export interface StatementExplanation {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Principal, action and every condition match: the statement applies. */
  applies: boolean;
  principal: {
    element: 'Principal' | 'NotPrincipal';
    /** Values as `Type: value` (e.g. `Federated: arn:...`) or `*`. */
    expected: string[];
    actual: string;
    matched: boolean;
  };
  action: {
    element: 'Action' | 'NotAction';
    expected: string[];
    actual: string;
    matched: boolean;
  };
  conditions: ConditionExplanation[];
  conditionsMatched: boolean;
}

/**
 * The web-identity request the verdict is about.
 *
 * @public
 */
export interface TrustRequest {
  /** The provider ARN STS matches as Federated principal. */
  principal: string;
  action: string;
  /** Normalised issuer, the prefix of the condition keys. */
  issuer: string;
  subjectKey: string;
  subject: string;
  audienceKey: string;
  audience: string;
}

/**
 * Output of {@link analyzeTrust}: the verdict of docs/architecture.md plus
 * explanations.
 *
 * @public
 */
export interface AnalyzeTrustResult extends TrustVerdict {
  findings: Finding[];
  /** The request that was evaluated (absent when the role ARN is invalid). */
  request?: TrustRequest;
  /** One explanation per statement (absent with `explain: false`). */
  statements?: StatementExplanation[];
  /** All mechanical fixes applied together, when there are any. */
  suggestedTrustPolicy?: PolicyDocument;
}
