/**
 * OIDC_PROVIDER_MISSING and OIDC_PROVIDER_AUDIENCE_MISSING: whether STS can
 * validate this cluster's tokens in the role's account at all.
 */
import { createFinding } from '../findings';
import { PendingFinding, quote } from './pending';
import type { TrustContext } from './request';
import type { OidcProviderInfo } from './types';

/** Checks the role account's OIDC providers, when they are known. */
export function providerFindings(
  oidcProviders: OidcProviderInfo[] | null | undefined,
  context: TrustContext,
): PendingFinding[] {
  if (!oidcProviders) return []; // unknown: nothing to say
  // Exact match first: lower-casing every provider ARN on every call is the
  // expensive part.
  const provider = oidcProviders.find(
    p =>
      p.arn === context.principal ||
      (p.arn.length === context.principal.length &&
        p.arn.toLowerCase() === context.principalLower),
  );
  if (!provider) {
    return [
      {
        finding: createFinding(
          'OIDC_PROVIDER_MISSING',
          `Account ${context.roleAccountId} has no IAM OIDC provider for issuer ${context.issuer}, so STS rejects every token of this cluster (InvalidIdentityToken).`,
          {
            hint: `Create it in the role's account: aws iam create-open-id-connect-provider --url https://${context.issuer} --client-id-list ${context.audience} (or eksctl utils associate-iam-oidc-provider --cluster <name> --approve).`,
          },
        ),
      },
    ];
  }
  if (provider.clientIds && !provider.clientIds.includes(context.audience)) {
    return [
      {
        finding: createFinding(
          'OIDC_PROVIDER_AUDIENCE_MISSING',
          `The OIDC provider ${provider.arn} lists the client IDs ${
            provider.clientIds.length ? quote(provider.clientIds) : '(none)'
          } but not the token's audience "${
            context.audience
          }", so STS answers "Incorrect token audience".`,
          {
            hint: `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${provider.arn} --client-id ${context.audience}`,
          },
        ),
      },
    ];
  }
  return [];
}
