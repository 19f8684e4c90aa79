/**
 * An index of the action catalogue (the access-level table, ~22,000
 * actions), built once on first use: each service's actions, service and
 * action names sorted for prefix look-ups, and what ActionSet needs (see
 * actionSet.ts).
 *
 * Why: every wildcard pattern was matched against the whole catalogue. With
 * the index `s3:Put*` only looks at the S3 names starting with "put", and
 * `*` is the catalogue itself. The expansion is the same as matching the
 * pattern against every `service:action` name (actionIndex.test.ts checks
 * it), and matching stays linear-time: the only matcher is the two-pointer
 * one of policy/wildcard.ts, run on the names a prefix look-up leaves.
 */
import type { CacheTables } from '../analysisCache';
import { compileWildcard, hasWildcard } from '../policy/wildcard';
import {
  AccessLevel,
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

export interface ServiceEntry {
  name: string;
  /** Its actions in table order; their ids run from `first` to `end` - 1. */
  actions: readonly ActionInfo[];
  /** Its actions by their name without `service:`. */
  byAction: PrefixIndex<ActionInfo>;
  first: number;
  end: number;
}

export interface Catalogue {
  all: readonly ActionInfo[];
  /** In table order. */
  services: readonly ServiceEntry[];
  byService: PrefixIndex<ServiceEntry>;
  /**
   * The services with actions, by their first id: their ids, and the rank of
   * their name among them (names sorted as by Array#sort).
   */
  byFirstId: { firsts: Int32Array; ends: Int32Array; ranks: Int32Array };
  /** The names of those services, sorted as by Array#sort. */
  sortedNames: readonly string[];
  /** 32-bit words of an ActionSet. */
  words: number;
  levels: readonly AccessLevel[];
  /** Word `w` of level `l`'s actions at `w * levels.length + l`. */
  levelBits: Uint32Array;
  /** How many bits each of those words has. */
  levelCounts: Uint8Array;
}

let built: Catalogue | undefined;

function serviceEntry(name: string): ServiceEntry {
  const actions = [...serviceActions(name)!.values()];
  const skip = name.length + 1;
  const first = actions.length ? actions[0].id : 0;
  return {
    name,
    actions,
    byAction: new PrefixIndex(actions, info => info.name.slice(skip)),
    first,
    end: first + actions.length,
  };
}

function levelBitsOf(
  all: readonly ActionInfo[],
  words: number,
): Pick<Catalogue, 'levels' | 'levelBits' | 'levelCounts'> {
  const levels = [...new Set(all.map(info => info.level))];
  const levelBits = new Uint32Array(words * levels.length);
  const levelCounts = new Uint8Array(words * levels.length);
  for (const info of all) {
    const slot = (info.id >>> 5) * levels.length + levels.indexOf(info.level);
    levelBits[slot] |= 1 << (info.id & 31);
    levelCounts[slot]++;
  }
  return { levels, levelBits, levelCounts };
}

function byFirstId(
  services: readonly ServiceEntry[],
): Pick<Catalogue, 'byFirstId' | 'sortedNames'> {
  const withActions = services.filter(service => service.actions.length > 0);
  const sortedNames = withActions.map(service => service.name).sort();
  const rank = new Map(sortedNames.map((name, i) => [name, i]));
  const sorted = withActions.sort((a, b) => a.first - b.first);
  return {
    byFirstId: {
      firsts: Int32Array.from(sorted, service => service.first),
      ends: Int32Array.from(sorted, service => service.end),
      ranks: Int32Array.from(sorted, service => rank.get(service.name)!),
    },
    sortedNames,
  };
}

/** The index, built on first use (it decodes the whole table). */
export function catalogue(): Catalogue {
  if (!built) {
    const all = allActionInfos();
    const services = listIamServices().map(serviceEntry);
    const words = (all.length + 31) >>> 5;
    built = {
      all,
      services,
      byService: new PrefixIndex(services, service => service.name),
      ...byFirstId(services),
      words,
      ...levelBitsOf(all, words),
    };
  }
  return built;
}

/** A service's actions whose name (without `service:`) matches `pattern`. */
function serviceMatches(
  service: ServiceEntry,
  pattern: string,
): readonly ActionInfo[] {
  if (pattern === '*') return service.actions;
  return service.byAction.select(
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
  const index = catalogue();
  if (lower === '*') return index.all;
  const colon = lower.indexOf(':');
  if (colon === -1) {
    // The wildcard spans "service:action"; its literal prefix holds no
    // colon, so the names starting with it are those of services starting
    // with it.
    const matches = compileWildcard(lower);
    return index.byService
      .select(literalPrefix(lower), () => true)
      .flatMap(service => service.actions.filter(info => matches(info.name)));
  }
  // Names hold one colon: the pattern's first colon must match it.
  const servicePattern = lower.slice(0, colon);
  const actionPattern = lower.slice(colon + 1);
  return index.byService
    .select(literalPrefix(servicePattern), compileWildcard(servicePattern))
    .flatMap(service => serviceMatches(service, actionPattern));
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
