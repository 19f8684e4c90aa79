/**
 * A bounded memo for pure functions of one string argument: role ARNs,
 * issuers and condition values repeat across thousands of verdicts.
 */
export function memoize<T>(
  fn: (key: string) => T,
  maxEntries = 2_000,
): (key: string) => T {
  const cache = new Map<string, T>();
  return key => {
    if (cache.has(key)) return cache.get(key) as T;
    const value = fn(key);
    if (cache.size >= maxEntries) cache.clear();
    cache.set(key, value);
    return value;
  };
}
