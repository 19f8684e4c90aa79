import fc from 'fast-check';
import {
  ACCOUNT,
  AUD_KEY,
  AWS_GUIDE_POLICY,
  codesOf,
  findingOf,
  irsaStatement,
  ISSUER,
  ISSUER_URL,
  OTHER_ACCOUNT,
  OTHER_ISSUER,
  policyOf,
  PROVIDER_ARN,
  ROLE_ARN,
  SUB_KEY,
  SUBJECT,
  trustInput,
} from '../__fixtures__/trust';
import type { PolicyDocument, PolicyPrincipal } from '../types';
import { analyzeTrust } from './analyzeTrust';
import { buildIrsaTrustPolicy } from './canonical';
import type { AnalyzeTrustInput } from './types';

/** Re-runs the verdict on a finding's (or the result's) suggested policy. */
function verdictOn(
  policy: PolicyDocument | undefined,
  input: Partial<AnalyzeTrustInput> = {},
) {
  expect(policy).toBeDefined();
  return analyzeTrust(trustInput(policy!, input));
}

describe('analyzeTrust: the seed guides', () => {
  it('allows the AWS guide policy (StringEquals on sub and aud) with no findings', () => {
    const result = analyzeTrust(trustInput(AWS_GUIDE_POLICY));
    expect(result.allowed).toBe(true);
    expect(result.findings).toEqual([]);
    expect(result.matchedStatements).toEqual([0]);
    expect(result.suggestedTrustPolicy).toBeUndefined();
  });

  it('explains each part of the statement with expected and actual values', () => {
    const result = analyzeTrust(trustInput(AWS_GUIDE_POLICY));
    expect(result.request).toEqual({
      principal: PROVIDER_ARN,
      action: 'sts:AssumeRoleWithWebIdentity',
      issuer: ISSUER,
      subjectKey: SUB_KEY,
      subject: SUBJECT,
      audienceKey: AUD_KEY,
      audience: 'sts.amazonaws.com',
    });
    expect(result.statements).toEqual([
      {
        index: 0,
        sid: undefined,
        effect: 'Allow',
        applies: true,
        principal: {
          element: 'Principal',
          expected: [`Federated: ${PROVIDER_ARN}`],
          actual: `Federated: ${PROVIDER_ARN}`,
          matched: true,
        },
        action: {
          element: 'Action',
          expected: ['sts:AssumeRoleWithWebIdentity'],
          actual: 'sts:AssumeRoleWithWebIdentity',
          matched: true,
        },
        conditions: [
          {
            operator: 'StringEquals',
            key: SUB_KEY,
            keyKind: 'subject',
            expected: [SUBJECT],
            actual: [SUBJECT],
            outcome: 'matched',
          },
          {
            operator: 'StringEquals',
            key: AUD_KEY,
            keyKind: 'audience',
            expected: ['sts.amazonaws.com'],
            actual: ['sts.amazonaws.com'],
            outcome: 'matched',
          },
        ],
        conditionsMatched: true,
      },
    ]);
  });

  it('gives the same verdict for the URL-encoded and the pretty-printed JSON forms IAM and moto return', () => {
    const fromObject = analyzeTrust(trustInput(AWS_GUIDE_POLICY));
    const encoded = analyzeTrust(
      trustInput(encodeURIComponent(JSON.stringify(AWS_GUIDE_POLICY))),
    );
    const pretty = analyzeTrust(
      trustInput(JSON.stringify(AWS_GUIDE_POLICY, null, 4)),
    );
    expect(encoded).toEqual(fromObject);
    expect(pretty).toEqual(fromObject);
  });

  // The guide: "Replace StringEquals with StringLike and replace $service_account with *".
  const namespaceWide = policyOf(
    irsaStatement({
      StringLike: {
        [AUD_KEY]: 'sts.amazonaws.com',
        [SUB_KEY]: 'system:serviceaccount:default:*',
      },
    }),
  );

  it("allows the guide's StringLike namespace variant and flags it TRUST_SUB_WILDCARD_NAMESPACE", () => {
    const result = analyzeTrust(trustInput(namespaceWide));
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual(['TRUST_SUB_WILDCARD_NAMESPACE']);
    expect(result.findings[0]).toMatchObject({
      severity: 'medium',
      statementIndex: 0,
    });
    const fixed = verdictOn(result.findings[0].suggestedTrustPolicy);
    expect(fixed.allowed).toBe(true);
    expect(fixed.findings).toEqual([]);
  });

  it('refuses the StringLike namespace variant to a service account of another namespace', () => {
    const result = analyzeTrust(
      trustInput(namespaceWide, {
        serviceAccount: { namespace: 'payments', name: 'my-service-account' },
      }),
    );
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toContain('TRUST_SUB_MISMATCH');
    expect(
      result.statements?.[0].conditions.find(c => c.keyKind === 'subject'),
    ).toMatchObject({
      outcome: 'not-matched',
      expected: ['system:serviceaccount:default:*'],
      actual: ['system:serviceaccount:payments:my-service-account'],
    });
  });

  // KubeRocketCI's Kaniko role: `system:serviceaccount:*` under StringEquals.
  const kaniko = policyOf(
    irsaStatement({ StringEquals: { [SUB_KEY]: 'system:serviceaccount:*' } }),
  );
  const kanikoInput = { serviceAccount: { namespace: 'edp', name: 'kaniko' } };

  it("refuses KubeRocketCI's Kaniko trust: StringEquals does not expand `*`", () => {
    const result = analyzeTrust(trustInput(kaniko, kanikoInput));
    expect(result.allowed).toBe(false);
    expect(codesOf(result).sort()).toEqual(
      [
        'TRUST_AUD_UNRESTRICTED',
        'TRUST_STRINGEQUALS_WILDCARD',
        'TRUST_SUB_MISMATCH',
      ].sort(),
    );
    // Matched literally it is not a cluster-wide wildcard...
    expect(codesOf(result)).not.toContain('TRUST_SUB_WILDCARD_CLUSTER');
    // ...and the fix names the service account instead of turning it into one.
    expect(findingOf(result, 'TRUST_STRINGEQUALS_WILDCARD').hint).toMatch(
      /Do not turn it into StringLike/,
    );
    const fixed = verdictOn(result.suggestedTrustPolicy, kanikoInput);
    expect(fixed.allowed).toBe(true);
    expect(fixed.findings).toEqual([]);
  });

  it('flags the Kaniko trust rewritten with StringLike as TRUST_SUB_WILDCARD_CLUSTER (critical)', () => {
    const like = policyOf(
      irsaStatement({ StringLike: { [SUB_KEY]: 'system:serviceaccount:*' } }),
    );
    const result = analyzeTrust(trustInput(like, kanikoInput));
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual([
      'TRUST_SUB_WILDCARD_CLUSTER',
      'TRUST_AUD_UNRESTRICTED',
    ]);
    expect(result.findings[0].severity).toBe('critical');
  });

  // Giant Swarm: a non-EKS issuer and a sub-only condition.
  const giantSwarmIssuer = 'irsa.golem.gaws.gigantic.io';
  const giantSwarm = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow' as const,
        Principal: {
          Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${giantSwarmIssuer}`,
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${giantSwarmIssuer}:sub`]:
              'system:serviceaccount:kube-system:external-dns',
          },
        },
      },
    ],
  };
  const giantSwarmInput = {
    oidcIssuer: `https://${giantSwarmIssuer}/`,
    serviceAccount: { namespace: 'kube-system', name: 'external-dns' },
  };

  it("allows Giant Swarm's external-dns role on a non-EKS issuer (given with a trailing slash)", () => {
    const result = analyzeTrust(trustInput(giantSwarm, giantSwarmInput));
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual(['TRUST_AUD_UNRESTRICTED']);
    expect(result.request?.principal).toBe(
      `arn:aws:iam::${ACCOUNT}:oidc-provider/${giantSwarmIssuer}`,
    );
  });

  it("refuses Giant Swarm's example copied with the $INSTALLATION placeholder left in the provider ARN", () => {
    const copied = JSON.parse(
      JSON.stringify(giantSwarm).replace(
        `oidc-provider/${giantSwarmIssuer}`,
        'oidc-provider/irsa.$INSTALLATION.gaws.gigantic.io',
      ),
    );
    const result = analyzeTrust(trustInput(copied, giantSwarmInput));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toContain('TRUST_ISSUER_MISMATCH');
    expect(findingOf(result, 'TRUST_ISSUER_MISMATCH').message).toMatch(
      /irsa\.\$INSTALLATION/,
    );
  });

  it("accepts moto's 10-character EKS issuer ids (no strict issuer format)", () => {
    const motoIssuer = 'https://oidc.eks.us-east-1.amazonaws.com/id/A1B2C3D4E5';
    const policy = buildIrsaTrustPolicy({
      accountId: ACCOUNT,
      oidcIssuer: motoIssuer,
      namespace: 'orders',
      serviceAccount: 'orders-worker',
    });
    const result = analyzeTrust(
      trustInput(policy, {
        oidcIssuer: motoIssuer,
        serviceAccount: { namespace: 'orders', name: 'orders-worker' },
      }),
    );
    expect(result.allowed).toBe(true);
    expect(result.findings).toEqual([]);
  });
});

describe('analyzeTrust: cross-account providers', () => {
  // The cluster lives in OTHER_ACCOUNT; the role in ACCOUNT must trust a provider in ACCOUNT.
  const clusterAccountProvider = `arn:aws:iam::${OTHER_ACCOUNT}:oidc-provider/${ISSUER}`;
  const crossAccount = policyOf(
    irsaStatement(
      { StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' } },
      { Principal: { Federated: clusterAccountProvider } },
    ),
  );

  it("reports TRUST_PROVIDER_OTHER_ACCOUNT when the role federates the cluster account's provider", () => {
    const result = analyzeTrust(trustInput(crossAccount));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_PROVIDER_OTHER_ACCOUNT']);
    const finding = result.findings[0];
    expect(finding).toMatchObject({ severity: 'high', statementIndex: 0 });
    expect(finding.message).toContain(clusterAccountProvider);
    expect(codesOf(result)).not.toContain('TRUST_ISSUER_MISMATCH');
    const fixed = verdictOn(finding.suggestedTrustPolicy);
    expect(fixed.allowed).toBe(true);
  });

  it('allows a cross-account role that federates the provider created in its own account', () => {
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/cross-account`;
    const result = analyzeTrust(
      trustInput(crossAccount, {
        roleArn,
        oidcProviders: [
          { arn: clusterAccountProvider, clientIds: ['sts.amazonaws.com'] },
        ],
      }),
    );
    expect(result.allowed).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it("builds provider ARNs in the role's partition", () => {
    const roleArn = `arn:aws-cn:iam::${ACCOUNT}:role/china`;
    const result = analyzeTrust(trustInput(AWS_GUIDE_POLICY, { roleArn }));
    expect(result.request?.principal).toBe(
      `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/${ISSUER}`,
    );
    expect(result.allowed).toBe(false);
  });
});

describe('analyzeTrust: the OIDC provider', () => {
  it('reports OIDC_PROVIDER_MISSING when the role account has no provider for the issuer', () => {
    const result = analyzeTrust(
      trustInput(AWS_GUIDE_POLICY, {
        oidcProviders: [
          { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${OTHER_ISSUER}` },
        ],
      }),
    );
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['OIDC_PROVIDER_MISSING']);
    expect(result.findings[0].severity).toBe('critical');
    expect(result.findings[0].hint).toContain(
      `create-open-id-connect-provider --url https://${ISSUER}`,
    );
    // The policy itself is fine: its statement still applies.
    expect(result.matchedStatements).toEqual([0]);
  });

  it('says nothing about providers when they are unknown (null or absent)', () => {
    expect(
      analyzeTrust(trustInput(AWS_GUIDE_POLICY, { oidcProviders: null }))
        .allowed,
    ).toBe(true);
    expect(analyzeTrust(trustInput(AWS_GUIDE_POLICY)).findings).toEqual([]);
  });

  it('reports OIDC_PROVIDER_AUDIENCE_MISSING when the client IDs lack the audience', () => {
    const result = analyzeTrust(
      trustInput(AWS_GUIDE_POLICY, {
        oidcProviders: [
          { arn: PROVIDER_ARN, clientIds: ['sts.amazonaws.com.cn'] },
        ],
      }),
    );
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['OIDC_PROVIDER_AUDIENCE_MISSING']);
    expect(result.findings[0].hint).toContain(
      'add-client-id-to-open-id-connect-provider',
    );
  });

  it('accepts a provider whose client IDs include the audience, or are not known', () => {
    for (const clientIds of [['sts.amazonaws.com'], undefined]) {
      const result = analyzeTrust(
        trustInput(AWS_GUIDE_POLICY, {
          oidcProviders: [{ arn: PROVIDER_ARN.toUpperCase(), clientIds }],
        }),
      );
      expect(result.allowed).toBe(true);
      expect(result.findings).toEqual([]);
    }
  });
});

describe('analyzeTrust: principal and action', () => {
  it('reports TRUST_ISSUER_MISMATCH for a role made for another cluster, and suggests adding this one', () => {
    const otherCluster = JSON.parse(
      JSON.stringify(AWS_GUIDE_POLICY).split(ISSUER).join(OTHER_ISSUER),
    );
    const result = analyzeTrust(trustInput(otherCluster));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_ISSUER_MISMATCH']);
    expect(result.findings[0].message).toContain(OTHER_ISSUER);
    const fixed = verdictOn(result.findings[0].suggestedTrustPolicy);
    expect(fixed.allowed).toBe(true);
    expect(fixed.matchedStatements).toEqual([1]);
    // The other cluster's statement is kept.
    expect((fixed.statements ?? []).map(s => s.index)).toEqual([0, 1]);
  });

  it('reports TRUST_ISSUER_MISMATCH for a role that trusts no web identity at all', () => {
    const ec2 = policyOf({
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
    const result = analyzeTrust(trustInput(ec2));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_ISSUER_MISMATCH']);
    expect(result.findings[0].message).toMatch(/does not trust web identities/);
    expect(result.statements?.[0].principal).toMatchObject({
      expected: ['Service: ec2.amazonaws.com'],
      matched: false,
    });
  });

  it('reports TRUST_ACTION_MISMATCH for sts:AssumeRole with a federated principal', () => {
    const policy = policyOf(
      irsaStatement(
        {
          StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
        },
        { Action: 'sts:AssumeRole' },
      ),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_ACTION_MISMATCH']);
    expect(result.statements?.[0].action).toMatchObject({
      matched: false,
      expected: ['sts:AssumeRole'],
    });
    expect(verdictOn(result.findings[0].suggestedTrustPolicy).allowed).toBe(
      true,
    );
  });

  it.each([
    ['sts:AssumeRole*'],
    ['STS:assumerolewithwebidentity'],
    ['sts:AssumeRoleWith?ebIdentity'],
    ['*'],
    [['sts:TagSession', 'sts:AssumeRoleWithWebIdentity']],
  ])('matches the action %j case-insensitively with wildcards', action => {
    const policy = policyOf(
      irsaStatement(
        {
          StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
        },
        { Action: action },
      ),
    );
    expect(analyzeTrust(trustInput(policy)).allowed).toBe(true);
  });

  it('honours NotAction both ways', () => {
    const conditions = {
      StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
    };
    const excludesOther = policyOf(
      irsaStatement(conditions, {
        Action: undefined,
        NotAction: 'sts:AssumeRole',
      }),
    );
    const excludesAll = policyOf(
      irsaStatement(conditions, { Action: undefined, NotAction: 'sts:*' }),
    );
    delete (excludesOther.Statement as any)[0].Action;
    delete (excludesAll.Statement as any)[0].Action;
    expect(analyzeTrust(trustInput(excludesOther)).allowed).toBe(true);
    const refused = analyzeTrust(trustInput(excludesAll));
    expect(refused.allowed).toBe(false);
    expect(codesOf(refused)).toEqual(['TRUST_ACTION_MISMATCH']);
  });

  it('matches a Federated list that contains the provider, "*" and {"AWS": "*"}', () => {
    const conditions = {
      StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
    };
    const principals: PolicyPrincipal[] = [
      {
        Federated: [
          `arn:aws:iam::${ACCOUNT}:oidc-provider/${OTHER_ISSUER}`,
          PROVIDER_ARN,
        ],
      },
      '*',
      { AWS: '*' },
    ];
    for (const Principal of principals) {
      expect(
        analyzeTrust(
          trustInput(policyOf(irsaStatement(conditions, { Principal }))),
        ).allowed,
      ).toBe(true);
    }
  });

  it('evaluates NotPrincipal: an Allow for everyone but an IAM user applies to the web identity', () => {
    const statement = irsaStatement({
      StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
    });
    delete statement.Principal;
    statement.NotPrincipal = { AWS: `arn:aws:iam::${ACCOUNT}:user/mallory` };
    const result = analyzeTrust(trustInput(policyOf(statement)));
    expect(result.allowed).toBe(true);
    expect(result.statements?.[0].principal).toMatchObject({
      element: 'NotPrincipal',
      matched: true,
    });
  });
});

describe('analyzeTrust: sub and aud conditions', () => {
  it('reports a namespace typo as TRUST_SUB_MISMATCH with a one-value correction', () => {
    const typo = policyOf(
      irsaStatement({
        StringEquals: {
          [SUB_KEY]: 'system:serviceaccount:paymnets:api',
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
    const input = { serviceAccount: { namespace: 'payments', name: 'api' } };
    const result = analyzeTrust(trustInput(typo, input));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_SUB_MISMATCH']);
    expect(result.findings[0].message).toMatch(
      /"paymnets" in the condition is a typo away from .*"payments"/,
    );
    const suggested = result.findings[0].suggestedTrustPolicy as any;
    expect(suggested.Statement[0].Condition.StringEquals[SUB_KEY]).toBe(
      'system:serviceaccount:payments:api',
    );
    expect(verdictOn(suggested, input).findings).toEqual([]);
  });

  it('suggests adding the subject when the condition names an unrelated service account', () => {
    const input = {
      serviceAccount: { namespace: 'orders', name: 'orders-worker' },
    };
    const result = analyzeTrust(trustInput(AWS_GUIDE_POLICY, input));
    expect(codesOf(result)).toEqual(['TRUST_SUB_MISMATCH']);
    expect(result.findings[0].hint).toMatch(
      /annotate the service account with the role meant for it/,
    );
    const suggested = result.findings[0].suggestedTrustPolicy as any;
    expect(suggested.Statement[0].Condition.StringEquals[SUB_KEY]).toEqual([
      SUBJECT,
      'system:serviceaccount:orders:orders-worker',
    ]);
    expect(verdictOn(suggested, input).allowed).toBe(true);
  });

  it('reports a deliberate exclusion (StringNotEquals) without suggesting to undo it', () => {
    const policy = policyOf(
      irsaStatement({
        StringLike: { [SUB_KEY]: 'system:serviceaccount:default:*' },
        StringNotEquals: { [SUB_KEY]: SUBJECT },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(false);
    const mismatch = findingOf(result, 'TRUST_SUB_MISMATCH');
    expect(mismatch.message).toMatch(/excludes this service account/);
    expect(mismatch.suggestedTrustPolicy).toBeUndefined();
    // Another service account of the namespace is admitted (AND across operators).
    expect(
      analyzeTrust(
        trustInput(policy, {
          serviceAccount: { namespace: 'default', name: 'other' },
        }),
      ).allowed,
    ).toBe(true);
  });

  it("reports TRUST_AUD_MISMATCH for the China audience and suggests the token's audience", () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com.cn' },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_AUD_MISMATCH']);
    expect(result.statements?.[0].conditions[1]).toMatchObject({
      outcome: 'not-matched',
      actual: ['sts.amazonaws.com'],
    });
    expect(verdictOn(result.findings[0].suggestedTrustPolicy).findings).toEqual(
      [],
    );
  });

  it("uses the service account's audience when it sets one", () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'vault' },
      }),
    );
    expect(
      analyzeTrust(
        trustInput(policy, {
          serviceAccount: {
            namespace: 'default',
            name: 'my-service-account',
            audience: 'vault',
          },
        }),
      ).allowed,
    ).toBe(true);
    expect(analyzeTrust(trustInput(policy)).allowed).toBe(false);
  });

  it('compares values case-sensitively, except with the IgnoreCase operators', () => {
    const upper = SUBJECT.toUpperCase();
    const equals = policyOf(
      irsaStatement({
        StringEquals: { [SUB_KEY]: upper, [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    const ignoreCase = policyOf(
      irsaStatement({
        StringEqualsIgnoreCase: { [SUB_KEY]: upper },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    expect(analyzeTrust(trustInput(equals)).allowed).toBe(false);
    expect(analyzeTrust(trustInput(ignoreCase)).allowed).toBe(true);
  });

  it('matches condition keys case-insensitively', () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: {
          [SUB_KEY.toUpperCase()]: SUBJECT,
          [AUD_KEY.toLowerCase()]: 'sts.amazonaws.com',
        },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it('ORs the values of one key', () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: {
          [SUB_KEY]: ['system:serviceaccount:a:b', SUBJECT],
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
    expect(analyzeTrust(trustInput(policy)).allowed).toBe(true);
  });

  it('understands ForAnyValue / ForAllValues on the token claims', () => {
    const policy = policyOf(
      irsaStatement({
        'ForAllValues:StringLike': {
          [SUB_KEY]: 'system:serviceaccount:default:my-*',
        },
        'ForAnyValue:StringEquals': {
          [AUD_KEY]: ['sts.amazonaws.com', 'vault'],
        },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    // sub and aud are single-valued: the qualifiers are misused, see below.
    expect(codesOf(result).sort()).toEqual([
      'TRUST_SET_OPERATOR_MISUSE',
      'TRUST_SET_OPERATOR_MISUSE',
      'TRUST_SUB_WILDCARD_NAMESPACE',
    ]);
  });

  it('treats Null on a claim as a presence test', () => {
    const present = policyOf(
      irsaStatement({
        Null: { [SUB_KEY]: 'false' },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    const absent = policyOf(
      irsaStatement({
        Null: { [SUB_KEY]: 'true' },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    const presentResult = analyzeTrust(trustInput(present));
    expect(presentResult.allowed).toBe(true);
    // Every token carries a sub: the presence test restricts nothing.
    expect(codesOf(presentResult)).toEqual(['TRUST_SUB_UNRESTRICTED']);
    expect(presentResult.findings[0].message).toMatch(
      /\(Null\) is always true for this cluster's tokens/,
    );
    expect(analyzeTrust(trustInput(absent)).allowed).toBe(false);
  });

  it('substitutes ${*} as a literal star in StringLike (policy variables)', () => {
    const literalStar = policyOf(
      irsaStatement({
        StringLike: {
          [SUB_KEY]: 'system:serviceaccount:default:my-service-account${*}',
        },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    expect(analyzeTrust(trustInput(literalStar)).allowed).toBe(false);
    const variable = policyOf(
      irsaStatement({
        StringEquals: {
          [SUB_KEY]: `system:serviceaccount:default:\${${AUD_KEY}}`,
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
    // `${<issuer>:aud}` resolves to the audience, so only that name matches.
    expect(
      analyzeTrust(
        trustInput(variable, {
          serviceAccount: { namespace: 'default', name: 'sts.amazonaws.com' },
        }),
      ).allowed,
    ).toBe(true);
    expect(analyzeTrust(trustInput(variable)).allowed).toBe(false);
  });
});

describe('analyzeTrust: foreign condition keys', () => {
  it('reports keys prefixed with the provider ARN and renames them in the suggestion', () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: {
          [`${PROVIDER_ARN}:sub`]: SUBJECT,
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_CONDITION_KEY_FOREIGN']);
    expect(result.findings[0].message).toMatch(/prefixed with a provider ARN/);
    expect(result.statements?.[0].conditions[0]).toMatchObject({
      keyKind: 'provider-arn',
      outcome: 'not-matched',
    });
    const fixed = verdictOn(result.findings[0].suggestedTrustPolicy);
    expect(fixed.allowed).toBe(true);
    expect(fixed.findings).toEqual([]);
  });

  it("reports keys of another cluster's issuer under this cluster's provider", () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: {
          [`${OTHER_ISSUER}:sub`]: SUBJECT,
          [`${OTHER_ISSUER}:aud`]: 'sts.amazonaws.com',
        },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual([
      'TRUST_CONDITION_KEY_FOREIGN',
      'TRUST_CONDITION_KEY_FOREIGN',
    ]);
    expect(codesOf(result)).not.toContain('TRUST_SUB_UNRESTRICTED');
    expect(verdictOn(result.suggestedTrustPolicy).findings).toEqual([]);
  });

  it('reports a foreign key under a negated operator as restricting nothing, even though access is allowed', () => {
    const policy = policyOf(
      irsaStatement({
        StringNotEquals: {
          [`${OTHER_ISSUER}:sub`]: 'system:serviceaccount:kube-system:admin',
        },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    // The exclusion was the statement's only :sub condition.
    expect(codesOf(result)).toEqual([
      'TRUST_SUB_UNRESTRICTED',
      'TRUST_CONDITION_KEY_FOREIGN',
    ]);
    expect(findingOf(result, 'TRUST_CONDITION_KEY_FOREIGN').message).toMatch(
      /restricts nothing/,
    );
  });

  it('reports claims service-account tokens never carry, without a mechanical fix', () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: {
          [SUB_KEY]: SUBJECT,
          [`${ISSUER}:email`]: 'dev@example.com',
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['TRUST_CONDITION_KEY_FOREIGN']);
    expect(result.findings[0].suggestedTrustPolicy).toBeUndefined();
  });

  it('lets IfExists forms pass on keys the request lacks', () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
        StringEqualsIfExists: { [`${ISSUER}:email`]: 'dev@example.com' },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    // It restricts nothing, which is worth saying.
    expect(codesOf(result)).toEqual(['TRUST_CONDITION_KEY_FOREIGN']);
  });
});

describe('analyzeTrust: Deny statements and context keys', () => {
  const allow = irsaStatement({
    StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
  });

  it('lets a matching Deny win over the Allow (TRUST_EXPLICIT_DENY)', () => {
    const deny = irsaStatement(
      { StringLike: { [SUB_KEY]: 'system:serviceaccount:default:*' } },
      { Effect: 'Deny' },
    );
    const result = analyzeTrust(trustInput(policyOf(allow, deny)));
    expect(result.allowed).toBe(false);
    expect(result.matchedStatements).toEqual([0, 1]);
    expect(codesOf(result)).toEqual(['TRUST_EXPLICIT_DENY']);
    expect(result.findings[0].statementIndex).toBe(1);
  });

  it('ignores a Deny that does not match this service account', () => {
    const deny = irsaStatement(
      { StringLike: { [SUB_KEY]: 'system:serviceaccount:kube-system:*' } },
      { Effect: 'Deny' },
    );
    const result = analyzeTrust(trustInput(policyOf(allow, deny)));
    expect(result.allowed).toBe(true);
    expect(result.findings).toEqual([]);
    // Deny statements are not checked for breadth.
    expect(result.matchedStatements).toEqual([0]);
  });

  it('assumes an Allow applies and a Deny does not when they hinge on context keys', () => {
    const conditionalAllow = irsaStatement({
      StringEquals: { [SUB_KEY]: SUBJECT, [AUD_KEY]: 'sts.amazonaws.com' },
      IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
    });
    const conditionalDeny = irsaStatement(
      { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { Effect: 'Deny' },
    );
    const result = analyzeTrust(
      trustInput(policyOf(conditionalAllow, conditionalDeny)),
    );
    expect(result.allowed).toBe(true);
    expect(result.matchedStatements).toEqual([0]);
    expect(result.statements?.[0].conditions[2]).toMatchObject({
      keyKind: 'context',
      outcome: 'unknown',
    });
    expect(result.statements?.[1].applies).toBe(false);
  });

  it('does not report mismatches of other statements once one statement allows', () => {
    const forOther = irsaStatement({
      StringEquals: {
        [SUB_KEY]: 'system:serviceaccount:orders:worker',
        [AUD_KEY]: 'sts.amazonaws.com',
      },
    });
    const result = analyzeTrust(trustInput(policyOf(forOther, allow)));
    expect(result.allowed).toBe(true);
    expect(result.matchedStatements).toEqual([1]);
    expect(result.findings).toEqual([]);
  });
});

describe('analyzeTrust: breadth of the trust', () => {
  it('reports TRUST_SUB_UNRESTRICTED when an Allow has no :sub condition', () => {
    const policy = policyOf(
      irsaStatement({ StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' } }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual(['TRUST_SUB_UNRESTRICTED']);
    expect(result.findings[0].severity).toBe('critical');
    expect(verdictOn(result.findings[0].suggestedTrustPolicy).findings).toEqual(
      [],
    );
  });

  it('reports both unrestricted findings for Principal "*" without conditions, and fixes both at once', () => {
    const policy = policyOf({
      Effect: 'Allow',
      Principal: '*',
      Action: 'sts:AssumeRoleWithWebIdentity',
    });
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual([
      'TRUST_SUB_UNRESTRICTED',
      'TRUST_AUD_UNRESTRICTED',
    ]);
    expect(verdictOn(result.suggestedTrustPolicy).findings).toEqual([]);
  });

  it('reports TRUST_SUB_WILDCARD_CLUSTER when :sub is only restricted by exclusions', () => {
    const policy = policyOf(
      irsaStatement({
        StringNotEquals: {
          [SUB_KEY]: 'system:serviceaccount:kube-system:admin',
        },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    expect(codesOf(result)).toEqual(['TRUST_SUB_WILDCARD_CLUSTER']);
    expect(result.findings[0].message).toMatch(/only exclude subjects/);
    expect(verdictOn(result.findings[0].suggestedTrustPolicy).findings).toEqual(
      [],
    );
  });

  it.each([
    [
      'system:serviceaccount:team-*:worker',
      ['TRUST_SUB_WILDCARD_CLUSTER', 'TRUST_SUB_MISMATCH'],
    ],
    ['system:serviceaccount:default*', ['TRUST_SUB_WILDCARD_CLUSTER']],
    ['system:*', ['TRUST_SUB_WILDCARD_CLUSTER']],
    [
      'system:serviceaccount:default:my-?ervice-account',
      ['TRUST_SUB_WILDCARD_NAMESPACE'],
    ],
    ['system:serviceaccount:default:*', ['TRUST_SUB_WILDCARD_NAMESPACE']],
  ])('classifies StringLike %j as %j', (pattern, codes) => {
    const policy = policyOf(
      irsaStatement({
        StringLike: { [SUB_KEY]: pattern },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    expect(codesOf(analyzeTrust(trustInput(policy)))).toEqual(codes);
  });

  it('narrows a statement by AND: a namespace pattern plus an exact name is a single service account', () => {
    const policy = policyOf(
      irsaStatement({
        StringLike: { [SUB_KEY]: 'system:serviceaccount:*' },
        StringEquals: {
          [SUB_KEY.toUpperCase()]: SUBJECT,
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it('reports TRUST_AUD_UNRESTRICTED (low) and adds the audience in the suggestion', () => {
    const policy = policyOf(
      irsaStatement({ StringEquals: { [SUB_KEY]: SUBJECT } }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(true);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      code: 'TRUST_AUD_UNRESTRICTED',
      severity: 'low',
      statementIndex: 0,
    });
    const suggested = result.findings[0].suggestedTrustPolicy as any;
    expect(suggested.Statement[0].Condition.StringEquals[AUD_KEY]).toBe(
      'sts.amazonaws.com',
    );
  });

  it('reports TRUST_STRINGEQUALS_WILDCARD on a namespace pattern and moves it to StringLike', () => {
    const policy = policyOf(
      irsaStatement({
        StringEquals: {
          [SUB_KEY]: 'system:serviceaccount:default:*',
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
    const result = analyzeTrust(trustInput(policy));
    expect(result.allowed).toBe(false);
    const finding = findingOf(result, 'TRUST_STRINGEQUALS_WILDCARD');
    expect(finding.hint).toMatch(/Use StringLike/);
    const suggested = finding.suggestedTrustPolicy as any;
    expect(suggested.Statement[0].Condition).toEqual({
      StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      StringLike: { [SUB_KEY]: 'system:serviceaccount:default:*' },
    });
    expect(verdictOn(suggested).allowed).toBe(true);
  });

  it('does not report TRUST_STRINGEQUALS_WILDCARD for StringLike or for values without wildcards', () => {
    expect(codesOf(analyzeTrust(trustInput(AWS_GUIDE_POLICY)))).not.toContain(
      'TRUST_STRINGEQUALS_WILDCARD',
    );
    const like = policyOf(
      irsaStatement({
        StringLike: { [SUB_KEY]: 'system:serviceaccount:default:*' },
        StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' },
      }),
    );
    expect(codesOf(analyzeTrust(trustInput(like)))).not.toContain(
      'TRUST_STRINGEQUALS_WILDCARD',
    );
  });
});

describe('analyzeTrust: size and validity', () => {
  function policyWithSubjects(count: number): PolicyDocument {
    const subjects = Array.from(
      { length: count },
      (_, i) => `system:serviceaccount:team-${i}:service-account-${i}`,
    );
    return policyOf(
      irsaStatement({
        StringEquals: {
          [SUB_KEY]: [SUBJECT, ...subjects],
          [AUD_KEY]: 'sts.amazonaws.com',
        },
      }),
    );
  }

  it('reports TRUST_POLICY_NEAR_LIMIT over 90% of 2,048 characters, not below', () => {
    const big = policyWithSubjects(30);
    const small = policyWithSubjects(20);
    expect(JSON.stringify(big).length).toBeGreaterThan(1843);
    expect(JSON.stringify(small).length).toBeLessThan(1843);
    expect(codesOf(analyzeTrust(trustInput(big)))).toEqual([
      'TRUST_POLICY_NEAR_LIMIT',
    ]);
    expect(codesOf(analyzeTrust(trustInput(small)))).toEqual([]);
  });

  it('does not count whitespace towards the size', () => {
    const small = policyWithSubjects(20);
    const pretty = JSON.stringify(small, null, 8);
    expect(pretty.length).toBeGreaterThan(2048);
    expect(codesOf(analyzeTrust(trustInput(pretty)))).toEqual([]);
  });

  it.each([
    ['text that is not JSON', 'not a policy'],
    [
      'a statement without Effect',
      JSON.stringify({
        Statement: [
          { Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' },
        ],
      }),
    ],
    [
      'an unknown operator',
      JSON.stringify(
        policyOf(
          irsaStatement({ StringEqualz: { [SUB_KEY]: SUBJECT } } as any),
        ),
      ),
    ],
  ])(
    'reports TRUST_MALFORMED for %s and suggests the canonical policy',
    (_, text) => {
      const result = analyzeTrust(trustInput(text));
      expect(result.allowed).toBe(false);
      expect(codesOf(result)).toEqual(['TRUST_MALFORMED']);
      expect(result.matchedStatements).toEqual([]);
      expect(result.findings[0].suggestedTrustPolicy).toEqual(
        buildIrsaTrustPolicy({
          accountId: ACCOUNT,
          oidcIssuer: ISSUER_URL,
          namespace: 'default',
          serviceAccount: 'my-service-account',
        }),
      );
    },
  );

  it('reports an invalid role ARN as SA_ANNOTATION_INVALID', () => {
    const result = analyzeTrust(
      trustInput(AWS_GUIDE_POLICY, { roleArn: 'my-role' }),
    );
    expect(result.allowed).toBe(false);
    expect(codesOf(result)).toEqual(['SA_ANNOTATION_INVALID']);
  });

  it('accepts a single statement object instead of an array', () => {
    const single = {
      Version: '2012-10-17',
      Statement: (AWS_GUIDE_POLICY.Statement as any)[0],
    };
    expect(analyzeTrust(trustInput(single)).allowed).toBe(true);
  });

  it('skips explanations and suggestions when asked to', () => {
    const result = analyzeTrust(
      trustInput(
        policyOf(irsaStatement({ StringEquals: { [SUB_KEY]: SUBJECT } })),
        { explain: false, suggestFixes: false },
      ),
    );
    expect(result.statements).toBeUndefined();
    expect(result.request).toBeUndefined();
    expect(result.suggestedTrustPolicy).toBeUndefined();
    expect(result.findings[0].suggestedTrustPolicy).toBeUndefined();
    expect(codesOf(result)).toEqual(['TRUST_AUD_UNRESTRICTED']);
  });

  it('orders findings most severe first', () => {
    const policy = policyOf({
      Effect: 'Allow',
      Principal: '*',
      Action: 'sts:AssumeRoleWithWebIdentity',
    });
    const result = analyzeTrust(trustInput(policy, { oidcProviders: [] }));
    expect(result.findings.map(f => f.severity)).toEqual([
      'critical',
      'critical',
      'low',
    ]);
    expect(result.allowed).toBe(false);
  });
});

describe('analyzeTrust: properties', () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);

  it('allows the canonical policy to its own service account only', () => {
    fc.assert(
      fc.property(label, label, label, (namespace, name, other) => {
        const policy = buildIrsaTrustPolicy({
          accountId: ACCOUNT,
          oidcIssuer: ISSUER_URL,
          namespace,
          serviceAccount: name,
        });
        const own = analyzeTrust(
          trustInput(policy, { serviceAccount: { namespace, name } }),
        );
        const foreign = analyzeTrust(
          trustInput(policy, {
            serviceAccount: { namespace, name: `${name}-${other}` },
          }),
        );
        return own.allowed && own.findings.length === 0 && !foreign.allowed;
      }),
      { numRuns: 200 },
    );
  });

  it('the combined suggestion is allowed and leaves nothing mechanical to fix', () => {
    const fixtures: PolicyDocument[] = [
      policyOf(
        irsaStatement({
          StringEquals: { [SUB_KEY]: 'system:serviceaccount:*' },
        }),
      ),
      policyOf(
        irsaStatement(
          { StringEquals: { [`${PROVIDER_ARN}:sub`]: SUBJECT } },
          { Action: 'sts:AssumeRole' },
        ),
      ),
      policyOf(
        irsaStatement(undefined, {
          Principal: {
            Federated: `arn:aws:iam::${OTHER_ACCOUNT}:oidc-provider/${ISSUER}`,
          },
        }),
      ),
      policyOf(
        irsaStatement({
          StringLike: { [`${OTHER_ISSUER}:sub`]: 'system:serviceaccount:*' },
        }),
      ),
      policyOf({
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        label,
        label,
        (policy, namespace, name) => {
          const input = { serviceAccount: { namespace, name } };
          const before = analyzeTrust(trustInput(policy, input));
          expect(before.suggestedTrustPolicy).toBeDefined();
          const after = analyzeTrust(
            trustInput(before.suggestedTrustPolicy!, input),
          );
          expect(after.allowed).toBe(true);
          expect(after.suggestedTrustPolicy).toBeUndefined();
          expect(after.findings).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('uses the role ARN only for its account and partition', () => {
    expect(
      analyzeTrust(
        trustInput(AWS_GUIDE_POLICY, {
          roleArn: `arn:aws:iam::${ACCOUNT}:role/path/to/other-role`,
        }),
      ).allowed,
    ).toBe(true);
    expect(ROLE_ARN).toContain(ACCOUNT);
  });
});
