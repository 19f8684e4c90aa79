/**
 * What the trust checks hand back: findings, each with an optional mechanical
 * fix, before suggestions are computed.
 */
import type { Finding } from '../types';
import type { TrustFix } from './fixes';

/** A finding and, where the correction is mechanical, its fix. */
export interface PendingFinding {
  finding: Finding;
  fix?: TrustFix;
}

/** Values as `"a", "b"` for messages. */
export function quote(values: readonly string[]): string {
  return values.map(v => `"${v}"`).join(', ');
}
