/**
 * AWS evaluation rules the verdict must follow to the letter: conditions that
 * hold for every token of the issuer, set qualifiers on single-valued claims,
 * policy variables; and patterns written to stall a matcher.
 */
import {
  AUD_KEY,
  codesOf,
  findingOf,
  irsaStatement,
  OTHER_ISSUER,
  policyOf,
  PROVIDER_ARN,
  SUB_KEY,
  SUBJECT,
  trustInput,
} from '../__fixtures__/trust';
import type { PolicyDocument, PolicyStatement } from '../types';
import { analyzeTrust } from './analyzeTrust';
import type { AnalyzeTrustInput } from './types';
import { bestMeanMs } from '../__fixtures__/timing';

const AUD = { StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' } };
const EXCLUDED = 'system:serviceaccount:kube-system:admin';

function verdict(
  condition: PolicyStatement['Condition'],
  input: Partial<AnalyzeTrustInput> = {},
  version = '2012-10-17',
) {
  const policy: PolicyDocument = {
    Version: version,
    Statement: [irsaStatement(condition)],
  };
  return analyzeTrust(trustInput(policy, input));
}

function sortedCodes(result: { findings: Array<{ code: string }> }) {
  return codesOf(result).sort();
}

describe('analyzeTrust: conditions on keys absent from every token', () => {
  // Operators that are true on an absent key restrict nothing there
  // (reference_policies_elements_condition_operators.html).
  it.each([
    ['StringNotEquals', `${OTHER_ISSUER}:sub`, EXCLUDED],
    ['StringNotLike', `${OTHER_ISSUER}:sub`, 'system:serviceaccount:kube-*'],
    ['StringEqualsIfExists', `${OTHER_ISSUER}:sub`, SUBJECT],
    ['StringLikeIfExists', `${PROVIDER_ARN}:sub`, SUBJECT],
    ['ForAllValues:StringEquals', `${OTHER_ISSUER}:sub`, SUBJECT],
    ['ArnNotLike', `${OTHER_ISSUER}:sub`, 'arn:aws:iam::*:role/x'],
    ['Null', `${OTHER_ISSUER}:sub`, 'true'],
  ])(
    '%s on "%s" is the only :sub condition: TRUST_SUB_UNRESTRICTED beside TRUST_CONDITION_KEY_FOREIGN',
    (operator, key, value) => {
      const result = verdict({ [operator]: { [key]: value }, ...AUD });
      expect(result.allowed).toBe(true);
      expect(codesOf(result)).toEqual([
        'TRUST_SUB_UNRESTRICTED',
        'TRUST_CONDITION_KEY_FOREIGN',
      ]);
      const unrestricted = findingOf(result, 'TRUST_SUB_UNRESTRICTED');
      expect(unrestricted.severity).toBe('critical');
      expect(unrestricted.message).toContain(`"${key}" (${operator})`);
    },
  );

  it("reports TRUST_AUD_UNRESTRICTED when the only :aud condition is another issuer's, negated", () => {
    const result = verdict({
      StringEquals: { [SUB_KEY]: SUBJECT },
      StringNotEquals: { [`${OTHER_ISSUER}:aud`]: 'vault' },
    });
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual([
      'TRUST_CONDITION_KEY_FOREIGN',
      'TRUST_AUD_UNRESTRICTED',
    ]);
    expect(findingOf(result, 'TRUST_AUD_UNRESTRICTED').message).toContain(
      `"${OTHER_ISSUER}:aud" (StringNotEquals) is always true`,
    );
  });

  it('does not call a statement unrestricted when a condition on an absent key can never hold', () => {
    const result = verdict({
      StringEquals: {
        [`${OTHER_ISSUER}:sub`]: SUBJECT,
        [AUD_KEY]: 'sts.amazonaws.com',
      },
    });
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_CONDITION_KEY_FOREIGN']);
  });

  it('counts a real :sub condition beside a vacuous one', () => {
    const result = verdict({
      StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
      StringNotEquals: { [`${OTHER_ISSUER}:sub`]: EXCLUDED },
    });
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual(['TRUST_CONDITION_KEY_FOREIGN']);
  });

  it('fixes both at once: the suggested policy restricts :sub for real', () => {
    const result = verdict({
      StringNotEquals: { [`${OTHER_ISSUER}:sub`]: EXCLUDED },
      ...AUD,
    });
    const fixed = analyzeTrust(trustInput(result.suggestedTrustPolicy!));
    expect(fixed.allowed).toBe(true);
    expect(fixed.findings).toEqual([]);
  });
});

describe("analyzeTrust: operators on this issuer's :sub, which every token carries", () => {
  it.each([
    'StringEqualsIfExists',
    'StringLikeIfExists',
    'ForAnyValue:StringEquals',
  ])(
    '%s with one service account restricts :sub like the plain operator',
    operator => {
      const result = verdict({ [operator]: { [SUB_KEY]: SUBJECT }, ...AUD });
      expect(result.allowed).toBe(true);
      expect(codesOf(result)).not.toContain('TRUST_SUB_UNRESTRICTED');
      const other = verdict(
        { [operator]: { [SUB_KEY]: SUBJECT }, ...AUD },
        { serviceAccount: { namespace: 'default', name: 'other' } },
      );
      expect(other.allowed).toBe(false);
      expect(codesOf(other)).toContain('TRUST_SUB_MISMATCH');
    },
  );

  it('keeps an exclusion on :sub a cluster-wide trust (it does restrict, a little)', () => {
    const result = verdict({
      StringNotEqualsIfExists: { [SUB_KEY]: EXCLUDED },
      ...AUD,
    });
    expect(codesOf(result)).toEqual(['TRUST_SUB_WILDCARD_CLUSTER']);
    const excluded = verdict(
      { StringNotEqualsIfExists: { [SUB_KEY]: EXCLUDED }, ...AUD },
      { serviceAccount: { namespace: 'kube-system', name: 'admin' } },
    );
    expect(excluded.allowed).toBe(false);
  });

  it('refuses every token when Null requires :sub to be absent, without calling the trust broad', () => {
    const result = verdict({ Null: { [SUB_KEY]: 'true' }, ...AUD });
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).not.toContain('TRUST_SUB_UNRESTRICTED');
    expect(codesOf(result)).not.toContain('TRUST_AUD_UNRESTRICTED');
  });
});

describe('analyzeTrust: TRUST_SET_OPERATOR_MISUSE', () => {
  it('reports ForAllValues on :sub, names the plain operator and moves the entry in the suggestion', () => {
    const result = verdict({
      'ForAllValues:StringEquals': { [SUB_KEY]: SUBJECT },
      ...AUD,
    });
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual(['TRUST_SET_OPERATOR_MISUSE']);
    const finding = result.findings[0];
    expect(finding.severity).toBe('medium');
    expect(finding.statementIndex).toBe(0);
    expect(finding.message).toContain('ForAllValues:StringEquals');
    expect(finding.message).toContain('true when the key is absent');
    expect(finding.hint).toContain('StringEquals');
    const condition = finding.suggestedTrustPolicy!
      .Statement as PolicyStatement[];
    expect(condition[0].Condition).toEqual({
      StringEquals: { [AUD_KEY]: 'sts.amazonaws.com', [SUB_KEY]: SUBJECT },
    });
  });

  it('reports ForAnyValue on :aud, keeping IfExists in the plain operator', () => {
    const result = verdict({
      StringEquals: { [SUB_KEY]: SUBJECT },
      'ForAnyValue:StringLikeIfExists': { [AUD_KEY]: 'sts.amazonaws.com' },
    });
    expect(codesOf(result)).toEqual(['TRUST_SET_OPERATOR_MISUSE']);
    expect(result.findings[0].hint).toContain('StringLikeIfExists');
  });

  it('reports it in statements that do not match, Deny included', () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
      }),
      irsaStatement(
        { 'ForAnyValue:StringEquals': { [SUB_KEY]: EXCLUDED } },
        { Effect: 'Deny' },
      ),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    expect(result.matchedStatements).toEqual([0]);
    expect(codesOf(result)).toEqual(['TRUST_SET_OPERATOR_MISUSE']);
    expect(result.findings[0].statementIndex).toBe(1);
  });

  it("leaves the suggestion alone when the plain operator's entry already exists (ORing would widen it)", () => {
    const result = verdict({
      'ForAllValues:StringLike': {
        [SUB_KEY]: 'system:serviceaccount:default:*',
      },
      StringLike: { [SUB_KEY]: '*:my-service-account' },
      ...AUD,
    });
    const misuse = findingOf(result, 'TRUST_SET_OPERATOR_MISUSE');
    expect(misuse.suggestedTrustPolicy).toBeUndefined();
  });

  it("is not about other issuers' keys or the plain operators", () => {
    expect(
      codesOf(
        verdict({
          'ForAllValues:StringEquals': { [`${OTHER_ISSUER}:sub`]: SUBJECT },
          ...AUD,
        }),
      ),
    ).not.toContain('TRUST_SET_OPERATOR_MISUSE');
    expect(
      codesOf(
        verdict({
          StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
        }),
      ),
    ).toEqual([]);
  });
});

describe('analyzeTrust: policy variables', () => {
  const own = (name: string) => ({
    serviceAccount: { namespace: 'default', name },
  });

  it('reads ${*} under StringLike as a literal star, not a wildcard', () => {
    const condition = {
      StringLike: { [SUB_KEY]: 'system:serviceaccount:default:${*}' },
      ...AUD,
    };
    const result = verdict(condition);
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_SUB_MISMATCH']);
    const star = verdict(condition, own('*'));
    expect(star.allowed).toBe(true);
    expect(star.findings).toEqual([]);
  });

  it('reads ${?} in the namespace as a literal question mark: no namespace wildcard', () => {
    const result = verdict({
      StringLike: {
        [SUB_KEY]: 'system:serviceaccount:${?}:my-service-account',
      },
      ...AUD,
    });
    expect(sortedCodes(result)).toEqual(['TRUST_SUB_MISMATCH']);
  });

  it('does not call ${*} under StringEquals a StringEquals wildcard', () => {
    const result = verdict({
      StringEquals: {
        [SUB_KEY]: ['system:serviceaccount:default:${*}', SUBJECT],
        [AUD_KEY]: 'sts.amazonaws.com',
      },
    });
    expect(result.findings).toEqual([]);
  });

  it('leaves ${...} as plain text in a 2008-10-17 policy, where * stays a wildcard', () => {
    const condition = {
      StringLike: { [SUB_KEY]: 'system:serviceaccount:default:my-${*}' },
      ...AUD,
    };
    const old = verdict(condition, own('my-${anything}'), '2008-10-17');
    expect(old.allowed).toBe(true);
    expect(codesOf(old)).toEqual(['TRUST_SUB_WILDCARD_NAMESPACE']);
    expect(verdict(condition, own('my-${anything}')).allowed).toBe(false);
  });

  it('substitutes a variable the request lacks with its default, and matches nothing without one', () => {
    const withDefault = verdict({
      StringEquals: {
        [SUB_KEY]: `system:serviceaccount:default:\${${OTHER_ISSUER}:sub, 'my-service-account'}`,
        [AUD_KEY]: 'sts.amazonaws.com',
      },
    });
    expect(withDefault.allowed).toBe(true);
    expect(withDefault.findings).toEqual([]);
    const without = verdict({
      StringEquals: {
        [SUB_KEY]: `system:serviceaccount:default:\${${OTHER_ISSUER}:sub}`,
        [AUD_KEY]: 'sts.amazonaws.com',
      },
    });
    expect(without.allowed).toBe(false);
    expect(codesOf(without)).toEqual(['TRUST_SUB_MISMATCH']);
  });

  it('substitutes resolved values literally, even when they contain wildcard characters', () => {
    const condition = {
      StringLike: { [SUB_KEY]: `system:serviceaccount:default:\${${AUD_KEY}}` },
      StringEquals: { [AUD_KEY]: '*' },
    };
    const input = (name: string) => ({
      serviceAccount: { namespace: 'default', name, audience: '*' },
    });
    expect(verdict(condition, input('*')).allowed).toBe(true);
    expect(verdict(condition, input('anything')).allowed).toBe(false);
  });

  it('leaves a condition on a global-key variable undecided: an Allow applies, its scope is an upper bound', () => {
    const result = verdict({
      StringEquals: {
        [SUB_KEY]: 'system:serviceaccount:default:${aws:PrincipalTag/app}',
        [AUD_KEY]: 'sts.amazonaws.com',
      },
    });
    expect(result.allowed).toBe(true);
    expect(result.statements![0].conditions[0].outcome).toBe('unknown');
    expect(codesOf(result)).toEqual(['TRUST_SUB_WILDCARD_NAMESPACE']);
  });

  it('decides an entry with an unknown variable when another value settles it', () => {
    const result = verdict({
      StringEquals: {
        [SUB_KEY]: [
          SUBJECT,
          'system:serviceaccount:default:${aws:PrincipalTag/app}',
        ],
        [AUD_KEY]: 'sts.amazonaws.com',
      },
    });
    expect(result.statements![0].conditions[0].outcome).toBe('matched');
  });
});

describe('analyzeTrust: hostile patterns', () => {
  it('analyses a trust policy with 30 "*" in its :sub value against a 253-character name in under 1 ms', () => {
    const name = 'a'.repeat(253);
    const policy = policyOf(
      irsaStatement({
        StringLike: {
          [SUB_KEY]: `system:serviceaccount:${'*a'.repeat(29)}*b`,
        },
        ...AUD,
      }),
    );
    const input = trustInput(policy, {
      serviceAccount: { namespace: 'default', name },
    });
    const result = analyzeTrust(input);
    expect(result.allowed).toBe(false);
    expect(sortedCodes(result)).toEqual([
      'TRUST_SUB_MISMATCH',
      'TRUST_SUB_WILDCARD_CLUSTER',
    ]);
    const ms = bestMeanMs(() => analyzeTrust(input));
    // eslint-disable-next-line no-console
    console.info(
      `30-star :sub, 253-character name: ${ms.toFixed(3)} ms per verdict`,
    );
    expect(ms).toBeLessThan(1);
  });

  it('matches every statement of a policy full of hostile action patterns in under 1 ms', () => {
    const policy = policyOf(
      irsaStatement(
        {
          StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
        },
        { Action: [`sts:${'*?'.repeat(20)}#`, `*:${'*i'.repeat(30)}*x`] },
      ),
    );
    expect(analyzeTrust(trustInput(policy)).allowed).toBe(false);
    expect(bestMeanMs(() => analyzeTrust(trustInput(policy)))).toBeLessThan(1);
  });
});
