/**
 * What the trust checks hand back: findings, each with an optional mechanical
 * fix, before suggestions are computed.
 */
import { createFinding } from '../findings';
import type { Finding, FindingCode } from '../types';
import type { TrustFix } from './fixes';

/** A finding and, where the correction is mechanical, its fix. */
export interface PendingFinding {
  finding: Finding;
  fix?: TrustFix;
}

/** A finding about statement `index` (when known), and its fix if any. */
export function statementFinding(
  code: FindingCode,
  index: number | undefined,
  message: string,
  hint: string,
  fix?: TrustFix,
): PendingFinding {
  const finding = createFinding(code, message, { statementIndex: index, hint });
  return fix ? { finding, fix } : { finding };
}

/** Values as `"a", "b"` for messages. */
export function quote(values: readonly string[]): string {
  return values.map(v => `"${v}"`).join(', ');
}
