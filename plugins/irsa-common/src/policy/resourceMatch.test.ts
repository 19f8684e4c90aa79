import fc from 'fast-check';
import { bestMeanMs } from '../__fixtures__/timing';
import { resourcePatternMatches, resourceTokensMatch } from './resourceMatch';
import { compileWildcard } from './wildcard';

const matches = (pattern: string, resource: string) =>
  resourcePatternMatches(pattern, resource, compileWildcard);

/**
 * Reference matcher written from the AWS text itself, character by character
 * (dynamic programming, no regular expressions): `?` is one character other
 * than a colon; `*` is any run without a colon, except that a `*` that is the
 * last character of its segment (before a colon or at the end) may run over
 * colons too.
 */
function referenceMatch(pattern: string, resource: string): boolean {
  const p = [...pattern];
  const v = [...resource];
  let dp = Array.from({ length: v.length + 1 }, (_, j) => j === 0);
  for (let i = 0; i < p.length; i++) {
    const crossing = p[i] === '*' && (i + 1 === p.length || p[i + 1] === ':');
    const next = new Array<boolean>(v.length + 1).fill(false);
    next[0] = dp[0] && p[i] === '*';
    for (let j = 1; j <= v.length; j++) {
      if (p[i] === '*') {
        next[j] = dp[j] || (next[j - 1] && (crossing || v[j - 1] !== ':'));
      } else if (p[i] === '?') {
        next[j] = dp[j - 1] && v[j - 1] !== ':';
      } else {
        next[j] = dp[j - 1] && p[i] === v[j - 1];
      }
    }
    dp = next;
  }
  return dp[v.length];
}

describe('resourcePatternMatches (IAM Resource element)', () => {
  it.each([
    // AWS's examples (reference_policies_elements_resource.html)
    [
      'arn:aws:s3:::amzn-s3-demo-bucket/*',
      'arn:aws:s3:::amzn-s3-demo-bucket/1/test/object.jpg',
      true,
    ],
    [
      'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*',
      'arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg',
      true,
    ],
    [
      'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*',
      'arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg',
      true,
    ],
    [
      'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*',
      'arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg',
      false,
    ],
    [
      'arn:aws:iam::111122223333:user/accounting/*',
      'arn:aws:iam::111122223333:user/accounting/Bob',
      true,
    ],
    [
      'arn:aws:iam::111122223333:user/accounting/*',
      'arn:aws:iam::111122223333:user/marketing/Bob',
      false,
    ],
    ['arn:aws:s3:::example?bucket/*', 'arn:aws:s3:::example1bucket/key', true],
    ['arn:aws:s3:::example?bucket/*', 'arn:aws:s3:::examplebucket/key', false],
    [
      'arn:aws:s3:::example?bucket/*',
      'arn:aws:s3:::example12bucket/key',
      false,
    ],
    // case-sensitive ("the IAM user name is case sensitive")
    [
      'arn:aws:iam::111122223333:user/Bob',
      'arn:aws:iam::111122223333:user/bob',
      false,
    ],
    // `*` alone: every resource, and a request on no particular resource
    ['*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc', true],
    ['*', '*', true],
    ['arn:aws:s3:::*', '*', false],
    // a trailing `*` of a segment runs over colons
    [
      'arn:aws:logs:us-east-1:*',
      'arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x',
      true,
    ],
    [
      'arn:aws:logs:*:111122223333:log-group:app:*',
      'arn:aws:logs:eu-west-1:111122223333:log-group:app:log-stream:x',
      true,
    ],
    [
      'arn:aws:logs:*:log-group:app',
      'arn:aws:logs:eu-west-1:111122223333:log-group:app',
      true,
    ],
    // ... but a `*` inside a segment, or `?`, stays within it
    ['arn:aws:s3:::bucket/*.txt', 'arn:aws:s3:::bucket/a:b.txt', false],
    ['arn:aws:s3:::bucket/a?b', 'arn:aws:s3:::bucket/a:b', false],
    [
      'arn:aws:ec2:us-*-1:*:instance/*',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-1',
      true,
    ],
    [
      'arn:aws:ec2:us-*-1:*:instance/*',
      'arn:aws:ec2:eu-west-1:111122223333:instance/i-1',
      false,
    ],
  ])('%s against %s: %s', (pattern, resource, expected) => {
    expect(matches(pattern, resource)).toBe(expected);
  });

  it('agrees with a reference written from the AWS text', () => {
    const text = (chars: string[], maxLength: number) =>
      fc.array(fc.constantFrom(...chars), { maxLength }).map(cs => cs.join(''));
    fc.assert(
      fc.property(
        text(['a', 'b', ':', '*', '?'], 9),
        text(['a', 'b', ':'], 9),
        (p, v) => matches(p, v) === referenceMatch(p, v),
      ),
      { numRuns: 5000 },
    );
  });

  it('substituted tokens match as the same text would, literal `*` and `:` included', () => {
    const resource = 'arn:aws:s3:::bucket/alice/file';
    const tokens = (...texts: Array<[string, boolean?]>) =>
      texts.map(([text, literal]) => ({ text, literal }));
    expect(
      resourceTokensMatch(
        tokens(['arn:aws:s3:::bucket/'], ['alice', true], ['/*']),
        resource,
      ),
    ).toBe(true);
    expect(
      resourceTokensMatch(
        tokens(['arn:aws:s3:::bucket/'], ['bob', true], ['/*']),
        resource,
      ),
    ).toBe(false);
    // A literal `*` (`${*}`) is the character, not a wildcard.
    expect(
      resourceTokensMatch(
        tokens(['arn:aws:s3:::bucket/'], ['*', true]),
        resource,
      ),
    ).toBe(false);
    expect(
      resourceTokensMatch(
        tokens(['arn:aws:s3:::bucket/'], ['*', true]),
        'arn:aws:s3:::bucket/*',
      ),
    ).toBe(true);
    // A substituted value's colon separates segments like any other.
    expect(
      resourceTokensMatch(
        tokens(['arn:aws:logs:'], ['us-east-1:111122223333', true], [':*']),
        'arn:aws:logs:us-east-1:111122223333:log-group:x',
      ),
    ).toBe(true);
  });

  it('stays fast on patterns that make backtracking matchers explode', () => {
    const pattern = `arn:aws:s3:::${'*a'.repeat(30)}b`;
    const resource = `arn:aws:s3:::${'a'.repeat(2000)}`;
    const colons = `${'*:'.repeat(30)}b`;
    const manySegments = 'a:'.repeat(1000);
    expect(matches(pattern, resource)).toBe(false);
    expect(matches(colons, manySegments)).toBe(false);
    expect(bestMeanMs(() => matches(pattern, resource))).toBeLessThan(2);
    expect(bestMeanMs(() => matches(colons, manySegments))).toBeLessThan(5);
  });
});
