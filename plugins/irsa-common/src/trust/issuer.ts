/**
 * OIDC issuers and the IAM OIDC provider ARNs built from them.
 *
 * Issuers are not validated against an EKS format: moto makes up 10-character
 * ids and non-EKS clusters (e.g. Giant Swarm's `irsa.<installation>...`) have
 * their own hosts.
 */
import { parse as parseArn, validate as isArn } from '@aws-sdk/util-arn-parser';

/**
 * An issuer URL in the form IAM uses in provider ARNs and condition keys:
 * without `https://` and without trailing slashes, host in lower case.
 *
 * @example `https://oidc.eks.us-west-2.amazonaws.com/id/ABC/` becomes
 * `oidc.eks.us-west-2.amazonaws.com/id/ABC`
 * @public
 */
export function normalizeIssuer(issuer: string): string {
  const withoutScheme = issuer.trim().replace(/^https?:\/\//i, '');
  const withoutSlash = withoutScheme.replace(/\/+$/, '');
  const slash = withoutSlash.indexOf('/');
  return slash === -1
    ? withoutSlash.toLowerCase()
    : withoutSlash.slice(0, slash).toLowerCase() + withoutSlash.slice(slash);
}

/**
 * ARN of the IAM OIDC provider for an issuer in an account, e.g.
 * `arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC`.
 *
 * @param accountId - account the provider lives in (the role's account)
 * @param issuer - issuer URL, with or without `https://`
 * @param partition - `aws` (default), `aws-cn`, `aws-us-gov`, ...
 * @public
 */
export function buildOidcProviderArn(
  accountId: string,
  issuer: string,
  partition = 'aws',
): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${normalizeIssuer(
    issuer,
  )}`;
}

/**
 * The parts of an IAM OIDC provider ARN.
 *
 * @public
 */
export interface OidcProviderArnParts {
  partition: string;
  accountId: string;
  /** Normalised issuer (no scheme, no trailing slash). */
  issuer: string;
}

/**
 * Parses an IAM OIDC provider ARN; undefined when the text is not one.
 *
 * @public
 */
export function parseOidcProviderArn(
  arn: string,
): OidcProviderArnParts | undefined {
  if (!isArn(arn)) return undefined;
  const parts = parseArn(arn);
  const prefix = 'oidc-provider/';
  if (
    parts.service !== 'iam' ||
    parts.region !== '' ||
    !/^\d{12}$/.test(parts.accountId) ||
    !parts.resource.startsWith(prefix) ||
    parts.resource.length === prefix.length
  ) {
    return undefined;
  }
  return {
    partition: parts.partition,
    accountId: parts.accountId,
    issuer: normalizeIssuer(parts.resource.slice(prefix.length)),
  };
}
