import fc from 'fast-check';
import { CacheTables } from '../analysisCache';
import { allActionInfos } from '../permissions-analysis/accessLevels';
import {
  compilePattern,
  compileWildcard,
  foldCase,
  matchesWildcard,
  PatternToken,
} from './wildcard';
import { bestMeanMs } from '../__fixtures__/timing';

/** One pattern element: a wildcard, or a character compared with `same`. */
type Element = '*' | '?' | { char: string };

/** A string's elements: every code point, `*` and `?` being wildcards. */
function elementsOf(pattern: string, literal = false): Element[] {
  return [...pattern].map(c =>
    !literal && (c === '*' || c === '?') ? c : { char: c },
  );
}

/**
 * Reference matcher, independent of the implementation: classic dynamic
 * programming over (pattern position, value position) on code points, no
 * regular expressions.
 */
function referenceElements(
  p: Element[],
  value: string,
  same: (a: string, b: string) => boolean = (a, b) => a === b,
): boolean {
  const v = [...value];
  // dp[j] = p[0..i) matches v[0..j)
  let dp = Array.from({ length: v.length + 1 }, (_, j) => j === 0);
  for (let i = 1; i <= p.length; i++) {
    const e = p[i - 1];
    const next = Array.from({ length: v.length + 1 }, () => false);
    next[0] = dp[0] && e === '*';
    for (let j = 1; j <= v.length; j++) {
      if (e === '*') next[j] = dp[j] || next[j - 1];
      else if (e === '?') next[j] = dp[j - 1];
      else next[j] = dp[j - 1] && same(e.char, v[j - 1]);
    }
    dp = next;
  }
  return dp[v.length];
}

function referenceMatch(pattern: string, value: string): boolean {
  return referenceElements(elementsOf(pattern), value);
}

/** Case-insensitive equality of two code points, spelled out independently. */
function sameIgnoringCase(a: string, b: string): boolean {
  const lower = (c: string) =>
    String.fromCodePoint(c.toLowerCase().codePointAt(0)!);
  return lower(a) === lower(b);
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
  'Σ',
  'İ',
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
  'É',
  '😀',
  'σ',
  'ς',
  'Σ',
  'i',
  'İ',
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

  it('agrees with the reference comparing code points case-insensitively', () => {
    fc.assert(
      fc.property(
        pattern,
        value,
        (p, v) =>
          matchesWildcard(p, v, true) ===
          referenceElements(elementsOf(p), v, sameIgnoringCase),
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with the reference on token patterns, literal tokens holding no wildcards', () => {
    const token = fc.record({ text: pattern, literal: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 4 }),
        value,
        fc.boolean(),
        (tokens: PatternToken[], v, ignoreCase) => {
          const elements = tokens.flatMap(t => elementsOf(t.text, t.literal));
          return (
            compilePattern(tokens, ignoreCase)(v) ===
            referenceElements(
              elements,
              v,
              ignoreCase ? sameIgnoringCase : undefined,
            )
          );
        },
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

  it('gives the same answers through a cache, a zero-size one and none', () => {
    const samples: Array<[string, string]> = [
      ['s3:Get*', 's3:GetObject'],
      ['*Object', 's3:GetObject'],
      ['s3:?etObject', 's3:SetObject'],
      ['a*b*c', 'aXbYc'],
      ['a*b*c', 'aXbY'],
    ];
    const fresh = samples.map(([p, v]) => matchesWildcard(p, v));
    for (const cache of [new CacheTables(2), new CacheTables(0)]) {
      for (let round = 0; round < 2; round++) {
        expect(samples.map(([p, v]) => cache.matcher(p)(v))).toEqual(fresh);
      }
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

  it('folds each character alike in pattern and value, whatever surrounds it', () => {
    // String#toLowerCase turns a final Σ into ς but a Σ before `*` into σ.
    expect(matchesWildcard('ΟΔΟΣ*', 'ΟΔΟΣΟΣ', true)).toBe(true);
    expect(matchesWildcard('*ΟΣ', 'ΟΔΟΣ', true)).toBe(true);
    expect(matchesWildcard('?', 'İ', true)).toBe(true);
    expect(matchesWildcard('İ', 'i', true)).toBe(true);
    expect(foldCase('ΣΑΣ')).toBe('σασ');
    expect(foldCase('S3:GetObject')).toBe('s3:getobject');
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

describe('IAM wildcard matching: hostile patterns', () => {
  // A backtracking regular expression needs about C(n, k) steps for k stars
  // that all fail at the end: these would not finish.
  const name = 'a'.repeat(253);
  const subject = `system:serviceaccount:ns:${name}`;

  it.each([
    [
      '30 "*a" then a missing "b"',
      `system:serviceaccount:${'*a'.repeat(30)}*b`,
      false,
    ],
    ['30 "*a"', `system:serviceaccount:${'*a'.repeat(30)}*`, true],
    ['40 "*?" then a missing "#"', `${'*?'.repeat(40)}#`, false],
    ['60 stars and "?"', `${'*?'.repeat(60)}`, true],
  ])(
    '%s against a 253-character name answers in well under 1 ms',
    (_, p, expected) => {
      expect(matchesWildcard(p, subject)).toBe(expected);
      expect(referenceMatch(p, subject)).toBe(expected);
      // matchesWildcard compiles every time: compiling is timed too.
      expect(bestMeanMs(() => matchesWildcard(p, subject))).toBeLessThan(1);
    },
  );

  it('matches dozens of stars against every action of the catalogue in well under 1 ms each', () => {
    const actions = allActionInfos().map(info => info.name);
    expect(actions.length).toBeGreaterThan(10_000);
    for (const [p, matchesSome] of [
      [`${'*?'.repeat(24)}#`, false],
      [`*${'e*'.repeat(30)}`, false],
      [`*:${'*?'.repeat(12)}*t`, true],
    ] as const) {
      const matcher = compileWildcard(p, true);
      expect(actions.some(a => matcher(a))).toBe(matchesSome);
      // The reference is slow: check a sample of the catalogue against it.
      const sample = actions.filter((_, i) => i % 25 === 0);
      expect(sample.filter(a => matcher(a))).toEqual(
        sample.filter(a => referenceMatch(p, a)),
      );
      expect(
        bestMeanMs(() => actions.forEach(a => matcher(a)), {
          batches: 3,
          runs: 1,
        }) / actions.length,
      ).toBeLessThan(0.1);
    }
  });
});
