import { fnv1aHex } from './hash';
import { compactPolicyText, decodePolicyText } from './policy/text';
import type { RoleDetails } from './types';

/**
 * What an ownership review of a role looks at, as one hash: its trust policy,
 * its attached managed policies' documents, its inline policies' documents and
 * its permissions boundary. A review whose hash differs from the role's
 * current one is stale: the role's trust or permissions changed since.
 *
 * Documents are decoded and compacted first, and policies sorted, so that
 * IAM's URL encoding, whitespace and listing order do not count as changes.
 * Tags and the role's other metadata do not count either.
 *
 * @public
 */
export function roleReviewHash(
  role: Pick<
    RoleDetails,
    | 'trustPolicy'
    | 'attachedPolicies'
    | 'inlinePolicies'
    | 'permissionsBoundaryArn'
  >,
): string {
  const reviewed = {
    trust: documentText(role.trustPolicy),
    attached: [...role.attachedPolicies]
      .sort((a, b) => compare(a.arn, b.arn))
      .map(p => [p.arn, documentText(p.document)]),
    inline: [...role.inlinePolicies]
      .sort((a, b) => compare(a.name, b.name))
      .map(p => [p.name, documentText(p.document)]),
    boundary: role.permissionsBoundaryArn ?? null,
  };
  return fnv1aHex(JSON.stringify(reviewed));
}

/**
 * What names a binding for a review: its cluster, namespace, service account
 * and role, each empty when the binding has none (a role found by its tag).
 * The backend matches reviews to inventory bindings by it, and so does the
 * review page.
 *
 * @public
 */
export function reviewBindingKey(b: {
  cluster?: string;
  namespace?: string;
  serviceAccount?: string;
  roleArn?: string;
}): string {
  return [b.cluster, b.namespace, b.serviceAccount, b.roleArn]
    .map(part => part ?? '')
    .join('|');
}

function documentText(text: string | undefined): string | null {
  if (text === undefined) return null;
  try {
    return compactPolicyText(decodePolicyText(text));
  } catch {
    // Not URL-encoded as IAM sends it: compare the text as it is.
    return text;
  }
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
