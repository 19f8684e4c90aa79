/**
 * The canonical IRSA trust statement: the provider of the cluster's issuer as
 * Federated principal, `sts:AssumeRoleWithWebIdentity`, and StringEquals on
 * both `:sub` and `:aud` (what provisioning writes and fixes suggest).
 */
import type { PolicyDocument, PolicyStatement } from '../types';
import { buildOidcProviderArn, normalizeIssuer } from './issuer';
import { serviceAccountSubject } from './subject';

/**
 * The audience EKS's pod-identity webhook requests by default.
 *
 * @public
 */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

/**
 * The action a web-identity token is exchanged with.
 *
 * @internal
 */
export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/**
 * What the canonical trust statement is built from.
 *
 * @public
 */
export interface IrsaTrustParams {
  /** Account of the role (the OIDC provider must live there too). */
  accountId: string;
  /** Issuer URL of the cluster, with or without `https://`. */
  oidcIssuer: string;
  namespace: string;
  serviceAccount: string;
  /** Default `sts.amazonaws.com`. */
  audience?: string;
  /** Default `aws`. */
  partition?: string;
}

/**
 * The canonical IRSA trust statement for one service account.
 *
 * @public
 */
export function buildIrsaTrustStatement(
  params: IrsaTrustParams,
): PolicyStatement {
  const issuer = normalizeIssuer(params.oidcIssuer);
  return {
    Effect: 'Allow',
    Principal: {
      Federated: buildOidcProviderArn(
        params.accountId,
        issuer,
        params.partition,
      ),
    },
    Action: WEB_IDENTITY_ACTION,
    Condition: {
      StringEquals: {
        [`${issuer}:sub`]: serviceAccountSubject(
          params.namespace,
          params.serviceAccount,
        ),
        [`${issuer}:aud`]: params.audience ?? DEFAULT_AUDIENCE,
      },
    },
  };
}

/**
 * A trust policy holding only the canonical statement for one service account.
 *
 * @public
 */
export function buildIrsaTrustPolicy(params: IrsaTrustParams): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [buildIrsaTrustStatement(params)],
  };
}
