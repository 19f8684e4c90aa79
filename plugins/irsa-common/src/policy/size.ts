/**
 * Policy size as IAM counts it against its quotas: every character except
 * whitespace outside string literals.
 */
import type { PolicyDocument } from '../types';
import { compactPolicyText, decodePolicyText } from './text';

/**
 * Default IAM quota of a role's trust policy, in characters.
 *
 * @public
 */
export const TRUST_POLICY_SIZE_QUOTA = 2048;

/**
 * IAM quota of a customer managed policy, in characters.
 *
 * @public
 */
export const MANAGED_POLICY_SIZE_QUOTA = 6144;

/**
 * IAM quota of all inline policies of a role together, in characters.
 *
 * @public
 */
export const ROLE_INLINE_POLICIES_SIZE_QUOTA = 10240;

/**
 * Size of a policy as IAM counts it against its quotas: characters, not
 * counting whitespace outside strings.
 *
 * @param policy - object, JSON text or URL-encoded JSON text
 * @public
 */
export function policySize(policy: string | PolicyDocument): number {
  return typeof policy === 'string'
    ? compactPolicyText(decodePolicyText(policy)).length
    : JSON.stringify(policy).length;
}
