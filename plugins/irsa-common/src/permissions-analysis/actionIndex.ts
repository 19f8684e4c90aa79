/**
 * An index of the action catalogue (the access-level table, ~22,000
 * actions): service names sorted for prefix look-ups, and per service, made
 * on first use, its actions with their names sorted the same way.
 *
 * Why: every wildcard pattern was matched against the whole catalogue. With
 * the index `s3:Put*` only looks at the S3 names starting with "put" (and
 * decodes no other service), and `*` is the catalogue itself. The expansion
 * is the same as matching the pattern against every `service:action` name
 * (actionIndex.test.ts checks it), and matching stays linear-time: the only
 * matcher is the two-pointer one of policy/wildcard.ts, run on the names a
 * prefix look-up leaves.
 */
import type { CacheTables } from '../analysisCache';
import { compileWildcard, hasWildcard } from '../policy/wildcard';
import {
  ActionInfo,
  actionInfo,
  allActionInfos,
  listIamServices,
  serviceActions,
} from './accessLevels';

/** Items by a text key, for the items whose key starts with a prefix. */
class PrefixIndex<T> {
  private readonly keys: string[];
  /** Where each sorted key's item is in the original order. */
  private readonly positions: number[];

  constructor(
    private readonly items: readonly T[],
    keyOf: (item: T) => string,
  ) {
    const keys = items.map(keyOf);
    this.positions = keys
      .map((_, i) => i)
      .sort((a, b) => compareText(keys[a], keys[b]));
    this.keys = this.positions.map(i => keys[i]);
  }

  /** The items whose key starts with `prefix` and passes `test`, in their original order. */
  select(prefix: string, test: (key: string) => boolean): T[] {
    const { keys, positions } = this;
    const found: number[] = [];
    for (let i = lowerBound(keys, prefix); i < keys.length; i++) {
      if (!keys[i].startsWith(prefix)) break;
      if (test(keys[i])) found.push(positions[i]);
    }
    return found.sort((a, b) => a - b).map(i => this.items[i]);
  }
}

// Code-unit order, the order in which keys sharing a prefix are adjacent.
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The first index of sorted `keys` whose key is not below `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The pattern up to its first wildcard. */
function literalPrefix(pattern: string): string {
  let end = 0;
  while (end < pattern.length && pattern[end] !== '*' && pattern[end] !== '?') {
    end++;
  }
  return pattern.slice(0, end);
}

interface ServiceEntry {
  /** Its actions in table order. */
  actions: readonly ActionInfo[];
  /** Its actions by their name without `service:`; made on first use. */
  byAction?: PrefixIndex<ActionInfo>;
}

// Constant data derived from the table, made on first use (not a cache).
let serviceNames: PrefixIndex<string> | undefined;
const services = new Map<string, ServiceEntry>();

/** The table's services whose name starts with `prefix` and passes `test`. */
function servicesMatching(
  prefix: string,
  test: (name: string) => boolean,
): string[] {
  serviceNames ??= new PrefixIndex(listIamServices(), name => name);
  return serviceNames.select(prefix, test);
}

/** A service of the table, decoded. */
function serviceEntry(name: string): ServiceEntry {
  let entry = services.get(name);
  if (!entry) {
    entry = { actions: [...serviceActions(name)!.values()] };
    services.set(name, entry);
  }
  return entry;
}

/** A service's actions whose name (without `service:`) matches `pattern`. */
function serviceMatches(name: string, pattern: string): readonly ActionInfo[] {
  const entry = serviceEntry(name);
  if (pattern === '*') return entry.actions;
  const skip = name.length + 1;
  entry.byAction ??= new PrefixIndex(entry.actions, info =>
    info.name.slice(skip),
  );
  return entry.byAction.select(
    literalPrefix(pattern),
    compileWildcard(pattern),
  );
}

/**
 * The known actions a lower-case pattern matches, in table order: the same
 * as matching it against every `service:action` name of the catalogue.
 */
function expand(lower: string): readonly ActionInfo[] {
  if (!hasWildcard(lower)) {
    const info = actionInfo(lower);
    return info ? [info] : [];
  }
  if (lower === '*') return allActionInfos();
  const colon = lower.indexOf(':');
  if (colon === -1) {
    // The wildcard spans "service:action"; its literal prefix holds no
    // colon, so the names starting with it are those of services starting
    // with it.
    const matches = compileWildcard(lower);
    return servicesMatching(literalPrefix(lower), () => true).flatMap(name =>
      serviceEntry(name).actions.filter(info => matches(info.name)),
    );
  }
  // Names hold one colon: the pattern's first colon must match it.
  const servicePattern = lower.slice(0, colon);
  const actionPattern = lower.slice(colon + 1);
  return servicesMatching(
    literalPrefix(servicePattern),
    compileWildcard(servicePattern),
  ).flatMap(name => serviceMatches(name, actionPattern));
}

/**
 * The known actions an Action element value grants (shared table entries):
 * the internal form of {@link expandActionPattern}, through the cache.
 */
export function expandActionInfos(
  pattern: string,
  cache: CacheTables,
): readonly ActionInfo[] {
  return cache.actionExpansions.get(pattern.toLowerCase(), expand);
}

/**
 * The actions an Action element value grants, as lower-case
 * `service:action` names: `s3:Put*` gives every S3 action starting with
 * "Put", `*` every action of every service. Matching is case-insensitive, as
 * in IAM. A literal action the table does not know is returned as it is
 * (lower case).
 *
 * @internal
 */
export function expandActionPattern(pattern: string): string[] {
  const infos = expand(pattern.toLowerCase());
  if (infos.length === 0 && !hasWildcard(pattern)) {
    return [pattern.toLowerCase()];
  }
  return infos.map(info => info.name);
}
