/**
 * Near-miss detection for condition values ("paymnets" for "payments"), so a
 * mismatch can be reported as a typo with a one-value correction.
 */
import { compileWildcard, WildcardCompiler } from '../policy/wildcard';
import { SERVICE_ACCOUNT_SUBJECT_PREFIX } from './subject';

/**
 * Levenshtein distance, or `max + 1` as soon as it exceeds `max`. Only a band
 * of width `2 * max + 1` around the diagonal is computed: typo detection
 * runs on every mismatch, so it must stay cheap.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const over = max + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    current.fill(over);
    current[0] = i <= max ? i : over;
    let rowMin = current[0];
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + cost,
        over,
      );
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return over;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length], over);
}

/** Small edits count as typos; longer strings may carry a few more. */
function isNearMiss(written: string, intended: string): boolean {
  if (written === intended) return false;
  const max = intended.length >= 12 ? 3 : 2;
  return editDistance(written, intended, max) <= max;
}

function partMatches(
  part: string,
  actual: string,
  wildcards: boolean,
  compile: WildcardCompiler,
): boolean {
  return wildcards ? compile(part)(actual) : part === actual;
}

/**
 * A corrected `:sub` condition value when the written one is a near miss of
 * this service account's subject; undefined when it is not.
 *
 * @param value - the condition value as written
 * @param namespace - the service account's namespace
 * @param name - the service account's name
 * @param wildcards - whether the operator treats `*` / `?` as wildcards
 * @param compile - compiles them
 */
export function correctSubjectTypo(
  value: string,
  namespace: string,
  name: string,
  wildcards: boolean,
  compile: WildcardCompiler = compileWildcard,
): { corrected: string; explanation: string } | undefined {
  const subject = `${SERVICE_ACCOUNT_SUBJECT_PREFIX}${namespace}:${name}`;
  const parts = value.split(':');
  if (
    parts.length === 4 &&
    `${parts[0]}:${parts[1]}:` === SERVICE_ACCOUNT_SUBJECT_PREFIX
  ) {
    const [, , writtenNamespace, writtenName] = parts;
    if (
      partMatches(writtenName, name, wildcards, compile) &&
      isNearMiss(writtenNamespace, namespace)
    ) {
      return {
        corrected: `${SERVICE_ACCOUNT_SUBJECT_PREFIX}${namespace}:${writtenName}`,
        explanation: `the namespace "${writtenNamespace}" in the condition is a typo away from this service account's "${namespace}"`,
      };
    }
    if (
      partMatches(writtenNamespace, namespace, wildcards, compile) &&
      isNearMiss(writtenName, name)
    ) {
      return {
        corrected: `${SERVICE_ACCOUNT_SUBJECT_PREFIX}${writtenNamespace}:${name}`,
        explanation: `the name "${writtenName}" in the condition is a typo away from this service account's "${name}"`,
      };
    }
  }
  if (isNearMiss(value, subject)) {
    return {
      corrected: subject,
      explanation: `"${value}" is a typo away from "${subject}"`,
    };
  }
  return undefined;
}

/**
 * A corrected `:aud` condition value when the written one is a near miss of
 * the audience; undefined otherwise.
 */
export function correctAudienceTypo(
  value: string,
  audience: string,
): { corrected: string; explanation: string } | undefined {
  return isNearMiss(value, audience)
    ? {
        corrected: audience,
        explanation: `"${value}" is a typo away from "${audience}"`,
      }
    : undefined;
}
