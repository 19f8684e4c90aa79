/**
 * The suggestion: the diagnosis's mechanical fixes applied to the trust
 * policy, one finding at a time and all together.
 */
import { severityRank } from '../findings';
import type { NormalizedPolicyDocument } from '../policy/parse';
import type { Finding, PolicyDocument } from '../types';
import { applyFixes, TrustFix } from './fixes';
import type { PendingFinding } from './pending';

/** How often the combined suggestion is re-analysed and fixed again. */
const MAX_REFINEMENTS = 3;

/** What to suggest: nothing, only the combined policy, or also one per finding. */
export type SuggestionMode = 'none' | 'combined' | 'all';

/** The findings, most severe first, and the policy with every fix applied. */
export interface Suggestions {
  findings: Finding[];
  suggestedTrustPolicy?: PolicyDocument;
  /** Some fix may reveal further problems: analyse its result again. */
  mayRevealMore: boolean;
}

/**
 * Applies the fixes of the findings to `document`: each alone onto its
 * finding (mode `all`), and all of them, in order, onto the combined policy.
 */
export function suggestFixes(
  pending: PendingFinding[],
  document: NormalizedPolicyDocument | undefined,
  mode: SuggestionMode,
): Suggestions {
  const fixes: TrustFix[] = [];
  let lastSuggestion: PolicyDocument | undefined;
  const findings = pending.map(({ finding, fix }) => {
    if (mode !== 'none' && fix && document) {
      fixes.push(fix);
      if (mode === 'all') {
        // The finding was created for this result alone: annotate in place.
        lastSuggestion = applyFixes(document, [fix]);
        finding.suggestedTrustPolicy = lastSuggestion;
      }
    }
    return finding;
  });
  let suggestedTrustPolicy: PolicyDocument | undefined;
  if (fixes.length === 1 && lastSuggestion) {
    suggestedTrustPolicy = lastSuggestion; // the same single fix
  } else if (fixes.length > 0 && document) {
    suggestedTrustPolicy = applyFixes(document, fixes);
  }
  // Findings are ordered most severe first (a stable sort keeps the order of
  // equal severities).
  findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return {
    findings,
    suggestedTrustPolicy,
    mayRevealMore: fixes.some(fix => fix.reveals),
  };
}

/**
 * Fixing one problem can reveal the next (a statement moved to this
 * provider has no `:sub` condition yet): the combined suggestion is analysed
 * again with `reassess` and fixed again until nothing is left to fix.
 */
export function refineSuggestion(
  first: Suggestions,
  reassess: (suggested: PolicyDocument) => Suggestions,
): PolicyDocument | undefined {
  let suggested = first.suggestedTrustPolicy;
  let mayRevealMore = first.mayRevealMore;
  for (let round = 0; mayRevealMore && round < MAX_REFINEMENTS; round++) {
    const next = reassess(suggested!);
    if (!next.suggestedTrustPolicy) break;
    suggested = next.suggestedTrustPolicy;
    mayRevealMore = next.mayRevealMore;
  }
  return suggested;
}
