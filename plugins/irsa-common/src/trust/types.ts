/**
 * Input and output of the trust verdict. The output shapes are the API
 * contract's (generated from irsa-backend's openapi.yaml).
 */
import type { AnalysisCache } from '../analysisCache';
import type { PolicyDocument, TrustVerdict } from '../types';

export type {
  ActionExplanation,
  ActionExplanationElementEnum,
  ConditionExplanation,
  ConditionExplanationOutcomeEnum,
  ConditionKeyKind,
  PrincipalExplanation,
  PrincipalExplanationElementEnum,
  StatementExplanation,
  StatementExplanationEffectEnum,
  TrustRequest,
} from '../schema/openapi/generated';

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
 * Output of {@link analyzeTrust}: the API's {@link TrustVerdict} (the docs/architecture.md
 * verdict plus explanations and the suggested trust policy).
 *
 * @public
 */
export type AnalyzeTrustResult = TrustVerdict;
