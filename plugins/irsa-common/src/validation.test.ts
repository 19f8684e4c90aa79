import fc from 'fast-check';
import {
  ACCOUNT,
  AWS_GUIDE_POLICY,
  ISSUER,
  ISSUER_URL,
  OTHER_ISSUER,
} from './__fixtures__/trust';
import { fnv1aHex } from './hash';
import { addIrsaTrustStatement } from './trust/addIrsaTrustStatement';
import {
  buildIrsaTrustPolicy,
  buildIrsaTrustStatement,
} from './trust/canonical';
import {
  buildOidcProviderArn,
  normalizeIssuer,
  parseOidcProviderArn,
} from './trust/issuer';
import {
  parseServiceAccountSubject,
  serviceAccountSubject,
  subjectValueScope,
} from './trust/subject';
import { compileWildcard } from './policy/wildcard';
import {
  deriveRoleName,
  parsePolicyArn,
  parseRoleArn,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateIamPolicyName,
  validateIamRoleName,
  validateNamespaceName,
  validatePolicyArn,
  validateRoleArn,
  validateServiceAccountName,
} from './validation';

describe('IAM names', () => {
  it.each([
    ['my-role', true],
    ['Role_With+=,.@-chars', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['has space', false],
    ['slash/name', false],
  ])('role name %j valid: %s', (name, valid) => {
    expect(validateIamRoleName(name) === undefined).toBe(valid);
  });

  it('allows policy names up to 128 characters', () => {
    expect(validateIamPolicyName('p'.repeat(128))).toBeUndefined();
    expect(validateIamPolicyName('p'.repeat(129))).toMatch(/at most 128/);
  });
});

describe('ARNs', () => {
  it('parses role ARNs with paths and partitions', () => {
    expect(parseRoleArn(`arn:aws:iam::${ACCOUNT}:role/my-role`)).toEqual({
      partition: 'aws',
      accountId: ACCOUNT,
      path: '/',
      roleName: 'my-role',
    });
    expect(
      parseRoleArn(`arn:aws-cn:iam::${ACCOUNT}:role/team/app/my-role`),
    ).toEqual({
      partition: 'aws-cn',
      accountId: ACCOUNT,
      path: '/team/app/',
      roleName: 'my-role',
    });
  });

  it.each([
    'my-role',
    `arn:aws:iam::${ACCOUNT}:user/alice`,
    `arn:aws:iam:us-east-1:${ACCOUNT}:role/x`,
    'arn:aws:iam::12345:role/x',
    `arn:aws:sts::${ACCOUNT}:assumed-role/x/session`,
    `arn:aws:iam::${ACCOUNT}:role/`,
    ` arn:aws:iam::${ACCOUNT}:role/x`,
    `arn:aws:iam::${ACCOUNT}:role/${'a'.repeat(65)}`,
  ])('rejects %j as a role ARN', arn => {
    expect(parseRoleArn(arn)).toBeUndefined();
    expect(validateRoleArn(arn)).toMatch(/is not an IAM role ARN/);
  });

  it('parses AWS managed and customer managed policy ARNs', () => {
    expect(
      parsePolicyArn('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'),
    ).toMatchObject({
      accountId: 'aws',
      awsManaged: true,
      policyName: 'AmazonS3ReadOnlyAccess',
    });
    expect(
      parsePolicyArn(
        'arn:aws:iam::aws:policy/service-role/AmazonEKSClusterPolicy',
      ),
    ).toMatchObject({ path: '/service-role/' });
    expect(
      parsePolicyArn(`arn:aws:iam::${ACCOUNT}:policy/my-policy`),
    ).toMatchObject({ awsManaged: false });
    expect(validatePolicyArn(`arn:aws:iam::${ACCOUNT}:role/my-role`)).toMatch(
      /not an IAM policy ARN/,
    );
    expect(validatePolicyArn('arn:aws:iam::amazon:policy/x')).toBeDefined();
  });
});

describe('DNS-1123 names', () => {
  it.each([
    ['payments', true, true],
    ['a', true, true],
    ['team-1', true, true],
    ['orders.worker', false, true],
    ['Payments', false, false],
    ['-payments', false, false],
    ['payments-', false, false],
    ['under_score', false, false],
    ['a'.repeat(63), true, true],
    ['a'.repeat(64), false, true],
    ['', false, false],
  ])('%j: label %s, subdomain %s', (value, label, subdomain) => {
    expect(validateDns1123Label(value) === undefined).toBe(label);
    expect(validateDns1123Subdomain(value) === undefined).toBe(subdomain);
  });

  it('names the field in namespace and service-account messages', () => {
    expect(validateNamespaceName('Payments')).toMatch(
      /^namespace "Payments" must consist/,
    );
    expect(validateServiceAccountName('a..b')).toMatch(
      /^service account name "a..b"/,
    );
    expect(validateServiceAccountName('a'.repeat(254))).toMatch(/at most 253/);
  });
});

describe('derived role names', () => {
  it('are readable, at most 64 characters, and end with a stable hash', () => {
    const name = deriveRoleName({
      cluster: 'demo-east',
      namespace: 'payments',
      serviceAccount: 'payments-reporter',
    });
    expect(name).toBe(
      `irsa-demo-east-payments-payments-reporter-${fnv1aHex(
        'demo-east/payments/payments-reporter',
      )}`,
    );
    const long = deriveRoleName({
      cluster: 'production-eu-central-1',
      namespace: 'a'.repeat(63),
      serviceAccount: 'b'.repeat(100),
    });
    expect(long).toHaveLength(64);
    expect(validateIamRoleName(long)).toBeUndefined();
  });

  it('tell apart triples that would read the same', () => {
    const a = deriveRoleName({
      cluster: 'a-b',
      namespace: 'c',
      serviceAccount: 'd',
    });
    const b = deriveRoleName({
      cluster: 'a',
      namespace: 'b-c',
      serviceAccount: 'd',
    });
    expect(a).not.toBe(b);
  });

  it('are always valid IAM role names and deterministic (property)', () => {
    const part = fc.string({ minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(part, part, part, (cluster, namespace, serviceAccount) => {
        const name = deriveRoleName({ cluster, namespace, serviceAccount });
        return (
          validateIamRoleName(name) === undefined &&
          name === deriveRoleName({ cluster, namespace, serviceAccount })
        );
      }),
    );
  });

  it('uses 32-bit FNV-1a', () => {
    expect(fnv1aHex('')).toBe('811c9dc5');
    expect(fnv1aHex('a')).toBe('e40c292c');
    expect(fnv1aHex('foobar')).toBe('bf9cf968');
  });
});

describe('issuers and providers', () => {
  it('normalises issuers the way IAM names providers', () => {
    expect(normalizeIssuer(`${ISSUER_URL}/`)).toBe(ISSUER);
    expect(normalizeIssuer('HTTPS://Irsa.Golem.gaws.gigantic.io')).toBe(
      'irsa.golem.gaws.gigantic.io',
    );
    expect(
      normalizeIssuer('oidc.eks.us-east-1.amazonaws.com/id/ABCDE12345'),
    ).toBe('oidc.eks.us-east-1.amazonaws.com/id/ABCDE12345');
  });

  it('builds and parses provider ARNs', () => {
    const arn = buildOidcProviderArn(ACCOUNT, ISSUER_URL);
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`);
    expect(parseOidcProviderArn(arn)).toEqual({
      partition: 'aws',
      accountId: ACCOUNT,
      issuer: ISSUER,
    });
    expect(
      parseOidcProviderArn(`arn:aws:iam::${ACCOUNT}:saml-provider/x`),
    ).toBeUndefined();
    expect(parseOidcProviderArn('accounts.google.com')).toBeUndefined();
  });
});

describe('service-account subjects', () => {
  it('builds and parses subjects', () => {
    expect(serviceAccountSubject('ns', 'sa')).toBe(
      'system:serviceaccount:ns:sa',
    );
    expect(parseServiceAccountSubject('system:serviceaccount:ns:sa')).toEqual({
      namespace: 'ns',
      name: 'sa',
    });
    expect(
      parseServiceAccountSubject('system:serviceaccount:ns:*'),
    ).toBeUndefined();
    expect(
      parseServiceAccountSubject('system:node:ip-10-0-0-1'),
    ).toBeUndefined();
  });

  it('never under-reports the reach of a StringLike value (property)', () => {
    // Sample subjects over a tiny alphabet so patterns match often.
    const name = fc.stringMatching(/^[ab]{1,3}$/);
    const subject = fc
      .tuple(name, name)
      .map(([ns, sa]) => serviceAccountSubject(ns, sa));
    const patternPart = fc.stringMatching(/^[ab*?:]{0,4}$/);
    const pattern = fc.oneof(
      patternPart.map(p => `system:serviceaccount:${p}`),
      patternPart.map(p => `system:${p}`),
      patternPart,
    );
    fc.assert(
      fc.property(
        pattern,
        fc.uniqueArray(subject, { maxLength: 30 }),
        (p, subjects) => {
          const matched = subjects
            .filter(s => compileWildcard(p)(s))
            .map(s => parseServiceAccountSubject(s)!);
          const scope = subjectValueScope(p, true);
          const namespaces = new Set(matched.map(m => m.namespace));
          if (scope === 'none') return matched.length === 0;
          if (scope === 'single') return matched.length <= 1;
          if (scope === 'namespace') return namespaces.size <= 1;
          return true;
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('canonical trust policy', () => {
  const params = {
    accountId: ACCOUNT,
    oidcIssuer: ISSUER_URL,
    namespace: 'default',
    serviceAccount: 'my-service-account',
  };

  it("is exactly the AWS guide's policy", () => {
    expect(buildIrsaTrustPolicy(params)).toEqual(AWS_GUIDE_POLICY);
    expect(
      buildIrsaTrustStatement({ ...params, audience: 'vault' }).Condition
        ?.StringEquals?.[`${ISSUER}:aud`],
    ).toBe('vault');
  });

  it('adds the statement to an existing policy only when it is missing', () => {
    const unchanged = addIrsaTrustStatement(
      encodeURIComponent(JSON.stringify(AWS_GUIDE_POLICY)),
      params,
    );
    expect(unchanged.changed).toBe(false);
    expect(unchanged.policy).toEqual(AWS_GUIDE_POLICY);
    const added = addIrsaTrustStatement(AWS_GUIDE_POLICY, {
      ...params,
      oidcIssuer: OTHER_ISSUER,
    });
    expect(added.changed).toBe(true);
    expect(added.policy.Statement).toHaveLength(2);
    expect(
      addIrsaTrustStatement(added.policy, {
        ...params,
        oidcIssuer: OTHER_ISSUER,
      }).changed,
    ).toBe(false);
    expect(() => addIrsaTrustStatement('{', params)).toThrow(/not valid JSON/);
  });
});
