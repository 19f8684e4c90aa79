import fc from 'fast-check';
import { AWS_GUIDE_POLICY } from '../__fixtures__/trust';
import { parsePolicy, parsePolicyDocument, PolicyParseError } from './parse';
import { policySize, TRUST_POLICY_SIZE_QUOTA } from './size';
import { compactPolicyText, decodePolicyText } from './text';

describe('parsePolicy', () => {
  const json = JSON.stringify(AWS_GUIDE_POLICY);

  function parsed(input: Parameters<typeof parsePolicy>[0]) {
    const result = parsePolicy(input, 'trust');
    if (!result.ok) throw new Error(result.problems.join('; '));
    return result.policy;
  }

  it('reads objects, JSON text and URL-encoded JSON text alike', () => {
    const fromObject = parsed(AWS_GUIDE_POLICY);
    expect(
      parsed(JSON.stringify(AWS_GUIDE_POLICY, null, 2)).statements,
    ).toEqual(fromObject.statements);
    const fromEncoded = parsed(encodeURIComponent(json));
    expect(fromEncoded.statements).toEqual(fromObject.statements);
    expect(fromEncoded.size).toBe(json.length);
  });

  it('decodes only text that does not start with "{"', () => {
    // A literal "%41" inside JSON must survive: JSON text is never decoded.
    expect(decodePolicyText('{"Id":"%41"}')).toBe('{"Id":"%41"}');
    expect(decodePolicyText('%7B%22Id%22%3A%22%2541%22%7D')).toBe(
      '{"Id":"%41"}',
    );
    expect(decodePolicyText('  \n{"a":1}')).toBe('{"a":1}');
  });

  it('accepts a single statement object and normalises it to an array', () => {
    const document = parsePolicyDocument(
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      },
      'permission',
    );
    expect(Array.isArray(document.Statement)).toBe(true);
    expect(document.Statement).toHaveLength(1);
  });

  it('turns numbers and booleans in conditions into strings', () => {
    const result = parsePolicy(
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:*',
            Resource: '*',
            Condition: {
              Bool: { 'aws:SecureTransport': true },
              NumericLessThan: { 's3:max-keys': [10, 20] },
            },
          },
        ],
      },
      'permission',
    );
    expect(
      result.ok && result.policy.statements[0].conditions.map(c => c.values),
    ).toEqual([['true'], ['10', '20']]);
  });

  it.each([
    ['not JSON', '{"Version": ', /not valid JSON/],
    ['not URL-encoded JSON', '%E0%A4%A', /neither JSON nor URL-encoded/],
    ['a JSON array', '[]', /must be a JSON object/],
    ['no Statement', '{"Version":"2012-10-17"}', /no Statement/],
    [
      'an unknown version',
      '{"Version":"2020-01-01","Statement":[]}',
      /Version must be/,
    ],
    [
      'a bad Effect',
      '{"Statement":[{"Effect":"allow","Principal":"*","Action":"sts:AssumeRole"}]}',
      /Effect must be/,
    ],
    [
      'no Action',
      '{"Statement":[{"Effect":"Allow","Principal":"*"}]}',
      /needs an Action/,
    ],
    [
      'an action without service',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"AssumeRole"}]}',
      /must look like/,
    ],
    [
      'an unknown operator',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEqual":{"a:b":"c"}}}]}',
      /unknown condition operator/,
    ],
    [
      'a Resource in a trust policy',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}',
      /must not name a Resource/,
    ],
    [
      'no Principal in a trust policy',
      '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}',
      /needs a Principal/,
    ],
    [
      'an unknown field',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condtion":{}}]}',
      /unknown field "Condtion"/,
    ],
    [
      'an object as condition value',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"a:b":{"c":1}}}}]}',
      /must be a string/,
    ],
  ])('rejects %s', (_, text, problem) => {
    const result = parsePolicy(text, 'trust');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('; ')).toMatch(problem);
  });

  it('substitutes variables only for string and ARN operators of 2012-10-17 policies', () => {
    const conditionOf = (version: string | undefined, operator: string) =>
      parsed({
        ...(version ? { Version: version } : {}),
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { [operator]: { k: ['a${*}', 'b*', 'c${aws:x}'] } },
          },
        ],
      }).statements[0].conditions[0];
    const current = conditionOf('2012-10-17', 'StringLike');
    expect(current.usesVariables).toBe(true);
    // `${*}` is the star itself, not a wildcard.
    expect(current.wildcardValues).toEqual(['b*']);
    expect(conditionOf('2012-10-17', 'ArnLike').usesVariables).toBe(true);
    for (const [version, operator] of [
      ['2008-10-17', 'StringLike'],
      [undefined, 'StringLike'],
      ['2012-10-17', 'NumericEquals'],
    ]) {
      const plain = conditionOf(version, operator!);
      expect(plain.usesVariables).toBe(false);
      expect(plain.wildcardValues).toEqual(['a${*}', 'b*']);
    }
  });

  it('parsePolicyDocument throws a PolicyParseError listing every problem', () => {
    const invalid = {
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }],
    } as any;
    expect(() => parsePolicyDocument(invalid, 'permission')).toThrow(
      PolicyParseError,
    );
    expect(() => parsePolicyDocument(invalid, 'permission')).toThrow(
      expect.objectContaining({
        problems: [
          'Statement[0]: a permission policy must not name a Principal',
          'Statement[0]: a permission policy needs a Resource or NotResource',
        ],
      }),
    );
  });
});

describe('policy size', () => {
  it('ignores whitespace outside strings but counts it inside them', () => {
    expect(policySize('{ "Id" : "a b" ,\n\t"Statement": [] }')).toBe(
      '{"Id":"a b","Statement":[]}'.length,
    );
    expect(compactPolicyText('{"a" : "x \\" y"}')).toBe('{"a":"x \\" y"}');
  });

  it('counts URL-encoded documents after decoding', () => {
    expect(
      policySize(encodeURIComponent(JSON.stringify(AWS_GUIDE_POLICY))),
    ).toBe(JSON.stringify(AWS_GUIDE_POLICY).length);
  });

  it('is the same for any pretty-printing of a document (property)', () => {
    const jsonValue = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        jsonValue,
        fc.integer({ min: 0, max: 8 }),
        (value, indent) => {
          const compact = JSON.stringify(value);
          return (
            compactPolicyText(JSON.stringify(value, null, indent)) === compact
          );
        },
      ),
    );
  });

  it('has the 2,048-character default trust policy quota', () => {
    expect(TRUST_POLICY_SIZE_QUOTA).toBe(2048);
  });
});
