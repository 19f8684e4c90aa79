/**
 * Adding this project's trust statement to an existing role's trust policy,
 * for provisioning ("existing role we manage: add the statement if missing").
 */
import { parsePolicyDocument } from '../policy/parse';
import type { PolicyDocument } from '../types';
import { analyzeTrust } from './analyzeTrust';
import { buildIrsaTrustStatement, IrsaTrustParams } from './canonical';

/**
 * Returns the trust policy with the canonical statement for the service
 * account appended, unless the policy already lets that service account
 * assume the role (then it is returned unchanged, `changed: false`).
 *
 * @param trustPolicy - the role's current trust policy (object, JSON or
 *   URL-encoded JSON); throws PolicyParseError when it is not valid
 * @param params - the account, issuer, service account and audience
 * @public
 */
export function addIrsaTrustStatement(
  trustPolicy: string | PolicyDocument,
  params: IrsaTrustParams,
): { policy: PolicyDocument; changed: boolean } {
  const document = parsePolicyDocument(trustPolicy, 'trust');
  const verdict = analyzeTrust({
    trustPolicy: document,
    // Only the account and partition of the role matter to the verdict.
    roleArn: `arn:${params.partition ?? 'aws'}:iam::${
      params.accountId
    }:role/irsa`,
    serviceAccount: {
      namespace: params.namespace,
      name: params.serviceAccount,
      audience: params.audience,
    },
    oidcIssuer: params.oidcIssuer,
    explain: false,
    suggestFixes: false,
  });
  if (verdict.allowed) {
    return { policy: document, changed: false };
  }
  return {
    policy: {
      ...document,
      Version: document.Version ?? '2012-10-17',
      Statement: [...document.Statement, buildIrsaTrustStatement(params)],
    },
    changed: true,
  };
}
