import {
  compareConditionTokens,
  ConditionOperator,
  evaluateConditionEntry,
  parseConditionOperator,
} from './conditions';

function op(name: string): ConditionOperator {
  const operator = parseConditionOperator(name);
  if (!operator) throw new Error(`not an operator: ${name}`);
  return operator;
}

/** Evaluates `{ [name]: { key: policyValues } }` for a request carrying `request`. */
function evaluate(
  name: string,
  policyValues: string[],
  request: string[] | undefined,
) {
  return evaluateConditionEntry(op(name), policyValues, request);
}

describe('parseConditionOperator', () => {
  it('parses qualifiers and IfExists, case-insensitively', () => {
    expect(parseConditionOperator('ForAnyValue:StringLikeIfExists')).toEqual({
      name: 'ForAnyValue:StringLikeIfExists',
      base: 'StringLike',
      qualifier: 'ForAnyValue',
      ifExists: true,
      negated: false,
    });
    expect(
      parseConditionOperator('forallvalues:stringnotequals'),
    ).toMatchObject({
      base: 'StringNotEquals',
      qualifier: 'ForAllValues',
      negated: true,
    });
  });

  it.each([
    'StringEqual',
    'Foo:StringEquals',
    'NullIfExists',
    'ForAnyValue:Null',
    '',
  ])('rejects %j', name => {
    expect(parseConditionOperator(name)).toBeUndefined();
  });
});

describe('string operators', () => {
  it('StringEquals compares case-sensitively and ORs the values', () => {
    expect(evaluate('StringEquals', ['a', 'b'], ['b'])).toBe(true);
    expect(evaluate('StringEquals', ['a', 'b'], ['B'])).toBe(false);
    expect(evaluate('StringEquals', ['a*'], ['abc'])).toBe(false);
    expect(evaluate('StringEquals', ['a*'], ['a*'])).toBe(true);
  });

  it('StringNotEquals is true only when no value matches (NOR)', () => {
    expect(evaluate('StringNotEquals', ['a', 'b'], ['c'])).toBe(true);
    expect(evaluate('StringNotEquals', ['a', 'b'], ['b'])).toBe(false);
  });

  it('the IgnoreCase operators fold case', () => {
    expect(evaluate('StringEqualsIgnoreCase', ['Default'], ['default'])).toBe(
      true,
    );
    expect(
      evaluate('StringNotEqualsIgnoreCase', ['Default'], ['DEFAULT']),
    ).toBe(false);
    expect(evaluate('StringNotEqualsIgnoreCase', ['Default'], ['other'])).toBe(
      true,
    );
  });

  it('StringLike and StringNotLike use * and ? wildcards, case-sensitively', () => {
    expect(
      evaluate(
        'StringLike',
        ['system:serviceaccount:ns:*'],
        ['system:serviceaccount:ns:app'],
      ),
    ).toBe(true);
    expect(
      evaluate(
        'StringLike',
        ['system:serviceaccount:ns:app-?'],
        ['system:serviceaccount:ns:app-12'],
      ),
    ).toBe(false);
    expect(
      evaluate(
        'StringLike',
        ['system:serviceaccount:NS:*'],
        ['system:serviceaccount:ns:app'],
      ),
    ).toBe(false);
    expect(
      evaluate(
        'StringNotLike',
        ['system:serviceaccount:kube-system:*'],
        ['system:serviceaccount:ns:app'],
      ),
    ).toBe(true);
    expect(
      evaluate(
        'StringNotLike',
        ['system:serviceaccount:*'],
        ['system:serviceaccount:ns:app'],
      ),
    ).toBe(false);
  });
});

describe('absent keys', () => {
  it('make positive operators false and negated operators true', () => {
    expect(evaluate('StringEquals', ['a'], undefined)).toBe(false);
    expect(evaluate('StringLike', ['*'], undefined)).toBe(false);
    expect(evaluate('StringNotEquals', ['a'], undefined)).toBe(true);
    expect(evaluate('StringNotLike', ['a'], undefined)).toBe(true);
    expect(evaluate('ArnNotLike', ['arn:*'], undefined)).toBe(true);
  });

  it('make IfExists forms true, and IfExists forms evaluate normally when present', () => {
    expect(evaluate('StringEqualsIfExists', ['a'], undefined)).toBe(true);
    expect(evaluate('StringEqualsIfExists', ['a'], ['b'])).toBe(false);
    expect(evaluate('StringLikeIfExists', ['a*'], ['abc'])).toBe(true);
    expect(evaluate('StringNotEqualsIfExists', ['a'], ['a'])).toBe(false);
  });

  it('Null tests presence: "true" wants the key absent, "false" present', () => {
    expect(evaluate('Null', ['true'], undefined)).toBe(true);
    expect(evaluate('Null', ['true'], ['x'])).toBe(false);
    expect(evaluate('Null', ['false'], ['x'])).toBe(true);
    expect(evaluate('Null', ['false'], undefined)).toBe(false);
    expect(evaluate('Null', ['false'], [])).toBe(false);
  });
});

describe('set qualifiers', () => {
  it('ForAnyValue needs one request value to match and is false on an absent key', () => {
    expect(evaluate('ForAnyValue:StringEquals', ['a', 'b'], ['x', 'b'])).toBe(
      true,
    );
    expect(evaluate('ForAnyValue:StringEquals', ['a', 'b'], ['x', 'y'])).toBe(
      false,
    );
    expect(evaluate('ForAnyValue:StringEquals', ['a'], undefined)).toBe(false);
    expect(evaluate('ForAnyValue:StringNotEquals', ['a'], ['a', 'z'])).toBe(
      true,
    );
  });

  it('ForAllValues needs every request value to match and is true on an absent key', () => {
    expect(
      evaluate('ForAllValues:StringLike', ['a*', 'b*'], ['ax', 'by']),
    ).toBe(true);
    expect(evaluate('ForAllValues:StringLike', ['a*'], ['ax', 'by'])).toBe(
      false,
    );
    expect(evaluate('ForAllValues:StringEquals', ['a'], undefined)).toBe(true);
    expect(evaluate('ForAllValues:StringNotEquals', ['a'], ['b', 'c'])).toBe(
      true,
    );
    expect(evaluate('ForAllValues:StringNotEquals', ['a'], ['b', 'a'])).toBe(
      false,
    );
  });
});

describe('other operator families', () => {
  it.each([
    ['NumericEquals', ['10'], ['10.0'], true],
    ['NumericNotEquals', ['10'], ['11'], true],
    ['NumericLessThan', ['10'], ['9'], true],
    ['NumericLessThan', ['10'], ['10'], false],
    ['NumericLessThanEquals', ['10'], ['10'], true],
    ['NumericGreaterThan', ['10'], ['11'], true],
    ['NumericGreaterThanEquals', ['10'], ['9'], false],
    ['NumericEquals', ['10'], ['ten'], false],
    ['DateLessThan', ['2030-01-01T00:00:00Z'], ['2029-12-31T23:59:59Z'], true],
    [
      'DateGreaterThan',
      ['2030-01-01T00:00:00Z'],
      ['2029-12-31T23:59:59Z'],
      false,
    ],
    ['DateEquals', ['1893456000'], ['2030-01-01T00:00:00Z'], true],
    ['DateNotEquals', ['2030-01-01T00:00:00Z'], ['2030-01-02T00:00:00Z'], true],
    ['Bool', ['true'], ['TRUE'], true],
    ['Bool', ['true'], ['false'], false],
    ['BinaryEquals', ['QmluYXJ5'], ['QmluYXJ5'], true],
    ['IpAddress', ['10.0.0.0/8'], ['10.1.2.3'], true],
    ['IpAddress', ['10.0.0.0/8'], ['11.1.2.3'], false],
    ['NotIpAddress', ['10.0.0.0/8'], ['11.1.2.3'], true],
    ['IpAddress', ['192.168.1.7'], ['192.168.1.7'], true],
    [
      'ArnLike',
      ['arn:aws:iam::*:role/app-*'],
      ['arn:aws:iam::111122223333:role/app-x'],
      true,
    ],
    [
      'ArnEquals',
      ['arn:aws:iam::*:role/app-*'],
      ['arn:aws:iam::111122223333:role/app-x'],
      true,
    ],
    // Wildcards never cross a colon in the first five ARN components.
    ['ArnLike', ['arn:aws:iam::*:role/x'], ['arn:aws:iam::1:2:role/x'], false],
    [
      'ArnNotLike',
      ['arn:aws:iam::*:role/app-*'],
      ['arn:aws:iam::111122223333:role/db'],
      true,
    ],
  ])('%s %j against %j is %s', (name, policyValues, request, expected) => {
    expect(evaluate(name, policyValues, request)).toBe(expected);
  });
});

describe('compareConditionTokens (values with substituted policy variables)', () => {
  const wild = (text: string) => ({ text });
  const literal = (text: string) => ({ text, literal: true });

  it('keeps literal tokens literal under StringLike', () => {
    const pattern = [wild('team-*:'), literal('*')];
    expect(compareConditionTokens('StringLike', 'team-a:*', pattern)).toBe(
      true,
    );
    expect(compareConditionTokens('StringLike', 'team-a:b', pattern)).toBe(
      false,
    );
  });

  it('checks the first five ARN components separately', () => {
    const pattern = [wild('arn:aws:*'), literal('::111122223333:role/x')];
    expect(
      compareConditionTokens(
        'ArnLike',
        'arn:aws:iam::111122223333:role/x',
        pattern,
      ),
    ).toBe(true);
    // As one string, `*` would take "iam:x:y" and match.
    expect(
      compareConditionTokens(
        'ArnLike',
        'arn:aws:iam:x:y::111122223333:role/x',
        pattern,
      ),
    ).toBe(false);
  });

  it('folds case for the IgnoreCase operators', () => {
    expect(
      compareConditionTokens('StringEqualsIgnoreCase', 'Team-A', [
        literal('team-'),
        literal('a'),
      ]),
    ).toBe(true);
  });
});
