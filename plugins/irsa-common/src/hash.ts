/**
 * A small, stable, pure-JS hash (no Node crypto: this package runs in the
 * browser too). Not for security, only for short deterministic suffixes.
 */

/**
 * 32-bit FNV-1a of the UTF-8 bytes of a string, as 8 lower-case hex digits.
 *
 * @internal
 */
export function fnv1aHex(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    // Multiply by the FNV prime 16777619 without leaving 32-bit integers.
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
