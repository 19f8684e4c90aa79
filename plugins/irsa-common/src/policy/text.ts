/**
 * Text forms of policy documents.
 */

/**
 * Turns IAM's text forms into JSON text: plain JSON is returned as is,
 * URL-encoded JSON is decoded.
 *
 * @public
 */
export function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    return trimmed;
  }
  return decodeURIComponent(trimmed).trim();
}

/** JSON text with the whitespace outside string literals removed. */
export function compactPolicyText(text: string): string {
  // Strings are matched first and kept whole, so only whitespace between
  // tokens is dropped.
  return text.replace(/("(?:[^"\\]|\\.)*")|[ \t\n\r]+/g, (_, str) => str ?? '');
}
