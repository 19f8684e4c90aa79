/**
 * Creating and ordering findings.
 */
import { FINDING_SEVERITIES, Finding, SEVERITIES, Severity } from './types';

/**
 * A finding with the severity its code has in the table of
 * docs/architecture.md.
 *
 * @internal
 */
export function createFinding(
  code: keyof typeof FINDING_SEVERITIES,
  message: string,
  extras: Omit<Partial<Finding>, 'code' | 'severity' | 'message'> = {},
): Finding {
  const finding: Finding = {
    code,
    severity: FINDING_SEVERITIES[code],
    message,
  };
  // Only defined extras, so findings stay small and compare cleanly.
  for (const key in extras) {
    if (Object.prototype.hasOwnProperty.call(extras, key)) {
      const value = extras[key as keyof typeof extras];
      if (value !== undefined) {
        (finding as unknown as Record<string, unknown>)[key] = value;
      }
    }
  }
  return finding;
}

/**
 * Rank of a severity: 0 for critical, 4 for info.
 *
 * @internal
 */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Findings ordered most severe first; equal severities keep their order.
 *
 * @public
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity),
  );
}

/**
 * The most severe severity among findings; undefined when there are none.
 *
 * @public
 */
export function highestSeverity(
  findings: readonly Finding[],
): Severity | undefined {
  let best: Severity | undefined;
  for (const finding of findings) {
    if (!best || severityRank(finding.severity) < severityRank(best)) {
      best = finding.severity;
    }
  }
  return best;
}
