/**
 * Sets of catalogue actions as bits (one per ActionInfo.id), and what the
 * permission analysis asks of them: what several statements grant together,
 * what Deny statements leave, how many actions of each access level and of
 * which services.
 *
 * Why: merging and counting what a policy grants action by action (a Set of
 * ~22,000 entries for `*` or NotAction, on every analysis) was most of the
 * time of a permission analysis. Words of bits unite, subtract and compare
 * 32 actions at a time, and counting visits only the actions a union holds.
 */
import {
  AccessLevel,
  ActionInfo,
  actionById,
  listIamServices,
  serviceActions,
} from './accessLevels';

// Above any word index, and a small integer: Infinity (a double) in
// ActionSet.low would change its hidden class and deoptimise its users.
const NO_WORD = 2 ** 30 - 1;

/**
 * A set of catalogue actions: one bit per ActionInfo.id. Most statements
 * grant the actions of a few services, whose ids are close together: only
 * the words from the first to the last non-zero one are held.
 */
export class ActionSet {
  /**
   * @param low - the index of the first word held
   * @param words - words `low` on of the full bit set
   */
  constructor(readonly low: number, readonly words: Uint32Array) {}

  get high(): number {
    return this.low + this.words.length;
  }

  has(info: ActionInfo): boolean {
    const w = (info.id >>> 5) - this.low;
    return (
      w >= 0 &&
      w < this.words.length &&
      (this.words[w] & (1 << (info.id & 31))) !== 0
    );
  }
}

/** The set of the given actions. */
export function actionSetOf(infos: readonly ActionInfo[]): ActionSet {
  let low = NO_WORD;
  let high = 0;
  for (const info of infos) {
    low = Math.min(low, info.id >>> 5);
    high = Math.max(high, (info.id >>> 5) + 1);
  }
  if (high === 0) return new ActionSet(0, new Uint32Array(0));
  const words = new Uint32Array(high - low);
  for (const info of infos) {
    words[(info.id >>> 5) - low] |= 1 << (info.id & 31);
  }
  return new ActionSet(low, words);
}

/** The words the sets hold between them: `low` to `high` - 1 (none: 0, 0). */
function span(sets: readonly ActionSet[]): { low: number; high: number } {
  let low = NO_WORD;
  let high = 0;
  for (const set of sets) {
    if (set.words.length === 0) continue;
    low = Math.min(low, set.low);
    high = Math.max(high, set.high);
  }
  return high === 0 ? { low: 0, high: 0 } : { low, high };
}

/** Adds the set's actions to `bits`, which holds words `offset` on. */
function addTo(bits: Uint32Array, set: ActionSet, offset = 0): void {
  const { low, words } = set;
  for (let i = 0; i < words.length; i++) bits[low - offset + i] |= words[i];
}

/** The actions in any of the sets. */
export function unionOf(sets: readonly ActionSet[]): ActionSet {
  if (sets.length === 1) return sets[0];
  const { low, high } = span(sets);
  const words = new Uint32Array(high - low);
  for (const set of sets) addTo(words, set, low);
  return new ActionSet(low, words);
}

/**
 * The actions of the services `keep` accepts that are not in `excluded`, in
 * table order (what NotAction grants).
 */
export function actionsExcept(
  excluded: ActionSet,
  keep: (service: string) => boolean,
): ActionInfo[] {
  const result: ActionInfo[] = [];
  for (const service of listIamServices()) {
    if (!keep(service)) continue;
    for (const info of serviceActions(service)!.values()) {
      if (!excluded.has(info)) result.push(info);
    }
  }
  return result;
}

function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
}

/** Words `low` to `high` - 1 of a bit set. */
type WordRange = [low: number, high: number];

/**
 * The words the sets hold, as ranges in order, merged where they overlap:
 * sets of services far apart leave long runs of zero words between them.
 */
function wordRanges(sets: readonly ActionSet[]): WordRange[] {
  // Plain loops: few ranges, and no array built-in to see both empty and
  // filled arrays (and deoptimise on the change).
  const ranges: WordRange[] = [];
  for (const set of sets) {
    if (set.words.length === 0) continue;
    let i = ranges.length;
    while (i > 0 && ranges[i - 1][0] > set.low) i--;
    ranges.splice(i, 0, [set.low, set.high]);
  }
  const merged: WordRange[] = [];
  for (const range of ranges) {
    const last = merged.length ? merged[merged.length - 1] : undefined;
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push(range);
  }
  return merged;
}

/** Calls `visit` with each action the ranges of `bits` hold. */
function forEachAction(
  bits: Uint32Array,
  ranges: readonly WordRange[],
  visit: (info: ActionInfo) => void,
): void {
  for (const [low, high] of ranges) {
    for (let w = low; w < high; w++) {
      let word = bits[w];
      while (word !== 0) {
        visit(actionById(w * 32 + 31 - Math.clz32(word & -word)));
        word &= word - 1; // the lowest bit off
      }
    }
  }
}

/** How many actions of `set` are not in `except`. */
export function countExcept(set: ActionSet, except?: ActionSet): number {
  let count = 0;
  for (let i = 0; i < set.words.length; i++) {
    let word = set.words[i];
    const w = set.low + i - (except?.low ?? 0);
    if (except && w >= 0 && w < except.words.length) word &= ~except.words[w];
    if (word !== 0) count += bitCount(word);
  }
  return count;
}

/** Whether every action of `set` is in `other`. */
export function isSubset(set: ActionSet, other: ActionSet): boolean {
  for (let i = 0; i < set.words.length; i++) {
    const word = set.words[i];
    if (word === 0) continue;
    const w = set.low + i - other.low;
    if (w < 0 || w >= other.words.length || (word & ~other.words[w]) !== 0) {
      return false;
    }
  }
  return true;
}

/** How many actions the union has per access level, and of which services. */
export interface UnionSummary {
  counts: Map<AccessLevel, number>;
  services: string[];
}

// The union is summarised in one bit set, kept between calls (it is zeroed
// again before returning, and nothing runs in between): a new one per call
// made typed-array allocation a good part of an analysis.
let scratch = new Uint32Array(0);

/** Summarises the actions in any of `sets` and not in `except`. */
export function summarizeUnion(
  sets: readonly ActionSet[],
  except?: ActionSet,
): UnionSummary {
  const ranges = wordRanges(sets);
  const high = ranges.length ? ranges[ranges.length - 1][1] : 0;
  if (scratch.length < high) scratch = new Uint32Array(high);
  const bits = scratch;
  try {
    for (const set of sets) addTo(bits, set);
    if (except) {
      const { low, words } = except;
      for (let i = 0; i < words.length && low + i < high; i++) {
        bits[low + i] &= ~words[i];
      }
    }
    const counts = new Map<AccessLevel, number>();
    const services = new Set<string>();
    forEachAction(bits, ranges, info => {
      counts.set(info.level, (counts.get(info.level) ?? 0) + 1);
      services.add(info.service);
    });
    return { counts, services: [...services].sort() };
  } finally {
    for (const [low, end] of ranges) bits.fill(0, low, end);
  }
}
