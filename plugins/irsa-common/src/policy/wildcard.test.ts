import fc from 'fast-check';
import {
  compileWildcard,
  matchesWildcard,
  setWildcardCaching,
} from './wildcard';

/**
 * Reference matcher, independent of the implementation: classic dynamic
 * programming over (pattern position, value position), no regular expressions.
 */
function referenceMatch(pattern: string, value: string): boolean {
  const p = [...pattern];
  const v = [...value];
  // dp[j] = pattern[0..i) matches value[0..j)
  let dp = Array.from({ length: v.length + 1 }, (_, j) => j === 0);
  for (let i = 1; i <= p.length; i++) {
    const next = Array.from({ length: v.length + 1 }, () => false);
    next[0] = dp[0] && p[i - 1] === '*';
    for (let j = 1; j <= v.length; j++) {
      if (p[i - 1] === '*') next[j] = dp[j] || next[j - 1];
      else if (p[i - 1] === '?') next[j] = dp[j - 1];
      else next[j] = dp[j - 1] && p[i - 1] === v[j - 1];
    }
    dp = next;
  }
  return dp[v.length];
}

// Small alphabets make matches frequent; regex metacharacters must be literal.
const patternChar = fc.constantFrom(
  'a',
  'B',
  ':',
  '*',
  '?',
  '.',
  '$',
  '(',
  '\\',
  '[',
  '/',
  'é',
  '😀',
);
const valueChar = fc.constantFrom(
  'a',
  'b',
  'B',
  ':',
  '*',
  '?',
  '.',
  '$',
  '(',
  '\\',
  '[',
  '/',
  'é',
  '😀',
  '\n',
);
const pattern = fc.array(patternChar, { maxLength: 10 }).map(cs => cs.join(''));
const value = fc.array(valueChar, { maxLength: 12 }).map(cs => cs.join(''));

describe('IAM wildcard matching', () => {
  it('agrees with a dynamic-programming reference (case-sensitive)', () => {
    fc.assert(
      fc.property(
        pattern,
        value,
        (p, v) => matchesWildcard(p, v) === referenceMatch(p, v),
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with the reference on lower-cased input when ignoring case', () => {
    fc.assert(
      fc.property(
        pattern,
        value,
        (p, v) =>
          matchesWildcard(p, v, true) ===
          referenceMatch(p.toLowerCase(), v.toLowerCase()),
      ),
      { numRuns: 3000 },
    );
  });

  it('matches every value against a pattern built from it by replacing characters with ? and runs with *', () => {
    fc.assert(
      fc.property(value, fc.array(fc.nat(3)), (v, edits) => {
        const chars = [...v];
        const p = chars
          .map((c, i) => {
            const edit = edits[i % Math.max(edits.length, 1)] ?? 0;
            if (edit === 1) return '?';
            if (edit === 2) return '*';
            return c === '*' || c === '?' ? '?' : c;
          })
          .join('');
        return matchesWildcard(p, v);
      }),
    );
  });

  it('gives the same answers with the cache turned off', () => {
    const samples: Array<[string, string]> = [
      ['s3:Get*', 's3:GetObject'],
      ['*Object', 's3:GetObject'],
      ['s3:?etObject', 's3:SetObject'],
      ['a*b*c', 'aXbYc'],
      ['a*b*c', 'aXbY'],
    ];
    const cached = samples.map(([p, v]) => matchesWildcard(p, v));
    setWildcardCaching(false);
    try {
      expect(samples.map(([p, v]) => matchesWildcard(p, v))).toEqual(cached);
    } finally {
      setWildcardCaching(true);
    }
  });

  it.each([
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['?', '', false],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:getobject', false],
    ['*Object', 's3:PutObject', true],
    ['*:*', 's3:PutObject', true],
    ['s3:*Object*', 's3:GetObjectAcl', true],
    ['sts:AssumeRoleWith?ebIdentity', 'sts:AssumeRoleWithWebIdentity', true],
    ['a.b', 'aXb', false],
    ['system:serviceaccount:*', 'system:serviceaccount:ns:name', true],
  ])('matches %j against %j: %s', (p, v, expected) => {
    expect(matchesWildcard(p, v)).toBe(expected);
  });

  it('folds case on both sides when ignoring case', () => {
    expect(
      compileWildcard('STS:AssumeRole*', true)('sts:assumerolewithwebidentity'),
    ).toBe(true);
    expect(
      compileWildcard('sts:assume?olewith*', true)('STS:ASSUMEROLEWITHSAML'),
    ).toBe(true);
  });
});
