/**
 * One switch for every cache of the analysis. Only the benchmark turns them
 * off, to show side by side what they buy; nothing else should need to.
 */
import { setExpansionCaching } from './permissions-analysis/accessLevels';
import { setPolicyCaching } from './policy/cache';
import { setWildcardCaching } from './policy/wildcard';

/**
 * Turns the parsed-policy, compiled-wildcard and action-expansion caches on
 * or off (and empties them).
 *
 * @internal
 */
export function setAnalysisCaching(enabled: boolean): void {
  setPolicyCaching(enabled);
  setWildcardCaching(enabled);
  setExpansionCaching(enabled);
}
