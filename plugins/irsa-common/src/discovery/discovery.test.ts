import {
  ACCOUNT,
  AWS_GUIDE_POLICY,
  ISSUER_URL,
  OTHER_ISSUER,
  ROLE_ARN,
  SUB_KEY,
  irsaStatement,
  policyOf,
} from '../__fixtures__/trust';
import { analyzeRoleUsage } from './analyzeRoleUsage';
import { analyzeServiceAccount } from './analyzeServiceAccount';
import type { PodLike } from './kubernetes';
import { bestMeanMs } from '../__fixtures__/timing';

const injectedEnv = [
  { name: 'AWS_ROLE_ARN', value: ROLE_ARN },
  {
    name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
    value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
  },
];

function serviceAccount(annotations: Record<string, string> = {}) {
  return {
    metadata: { name: 'my-service-account', namespace: 'default', annotations },
  };
}

function pod(
  name: string,
  env: Array<{ name: string; value?: string }> = injectedEnv,
  extra: Partial<PodLike> = {},
): PodLike {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      serviceAccountName: 'my-service-account',
      containers: [{ name: 'app', env }],
    },
    ...extra,
  };
}

function codes(result: { findings: Array<{ code: string }> }) {
  return result.findings.map(f => f.code);
}

describe('analyzeServiceAccount', () => {
  const annotated = serviceAccount({ 'eks.amazonaws.com/role-arn': ROLE_ARN });

  it('has nothing to say about a service account without the role annotation', () => {
    const result = analyzeServiceAccount({
      serviceAccount: serviceAccount(),
      pods: [pod('p', [])],
    });
    expect(result.findings).toEqual([]);
    expect(result.roleArn).toBeUndefined();
    expect(result.pods).toEqual([]);
  });

  it('accepts a properly annotated service account with injected pods', () => {
    const result = analyzeServiceAccount({
      serviceAccount: annotated,
      roleExists: true,
      pods: [pod('api-1')],
    });
    expect(result).toEqual({
      roleArn: ROLE_ARN,
      audience: 'sts.amazonaws.com',
      pods: [
        {
          name: 'api-1',
          injected: true,
          injectedRoleArn: ROLE_ARN,
          staticCredentials: false,
        },
      ],
      findings: [],
    });
  });

  it.each([
    'my-role',
    'arn:aws:iam::1111:role/x',
    'arn:aws:iam::111122223333:user/x',
    'arn:aws:s3:::bucket',
  ])('reports SA_ANNOTATION_INVALID for %j', arn => {
    const result = analyzeServiceAccount({
      serviceAccount: serviceAccount({ 'eks.amazonaws.com/role-arn': arn }),
    });
    expect(codes(result)).toEqual(['SA_ANNOTATION_INVALID']);
    expect(result.roleArn).toBeUndefined();
  });

  it('reports SA_ROLE_NOT_FOUND only when the role is known to be missing', () => {
    expect(
      codes(
        analyzeServiceAccount({ serviceAccount: annotated, roleExists: false }),
      ),
    ).toEqual(['SA_ROLE_NOT_FOUND']);
    expect(codes(analyzeServiceAccount({ serviceAccount: annotated }))).toEqual(
      [],
    );
  });

  it.each([
    ['300', 600, true],
    ['100000', 86400, true],
    ['soon', 86400, true],
    ['600', 600, false],
    ['3600', 3600, false],
    ['86400', 86400, false],
  ])(
    'token expiration %j becomes %d seconds (clamped: %s)',
    (value, effective, clamped) => {
      const result = analyzeServiceAccount({
        serviceAccount: serviceAccount({
          'eks.amazonaws.com/role-arn': ROLE_ARN,
          'eks.amazonaws.com/token-expiration': value,
        }),
      });
      expect(result.tokenExpirationSeconds).toBe(effective);
      expect(codes(result)).toEqual(
        clamped ? ['SA_TOKEN_EXPIRATION_CLAMPED'] : [],
      );
    },
  );

  it('reads the audience annotation', () => {
    const result = analyzeServiceAccount({
      serviceAccount: serviceAccount({
        'eks.amazonaws.com/role-arn': ROLE_ARN,
        'eks.amazonaws.com/audience': 'vault',
      }),
    });
    expect(result.audience).toBe('vault');
  });

  it('reports POD_NOT_INJECTED for a pod without the web-identity variables', () => {
    const result = analyzeServiceAccount({
      serviceAccount: annotated,
      pods: [pod('old-pod', [{ name: 'LOG_LEVEL', value: 'info' }])],
    });
    expect(codes(result)).toEqual(['POD_NOT_INJECTED']);
    expect(result.findings[0]).toMatchObject({
      podName: 'old-pod',
      severity: 'high',
    });
    expect(result.pods[0].injected).toBe(false);
  });

  it('respects the skip-containers annotation', () => {
    const sidecarPod: PodLike = {
      metadata: {
        name: 'p',
        annotations: { 'eks.amazonaws.com/skip-containers': 'sidecar' },
      },
      spec: {
        serviceAccountName: 'my-service-account',
        containers: [{ name: 'app', env: injectedEnv }, { name: 'sidecar' }],
      },
    };
    expect(
      codes(
        analyzeServiceAccount({
          serviceAccount: annotated,
          pods: [sidecarPod],
        }),
      ),
    ).toEqual([]);
    const noSkip: PodLike = { ...sidecarPod, metadata: { name: 'p' } };
    const result = analyzeServiceAccount({
      serviceAccount: annotated,
      pods: [noSkip],
    });
    expect(codes(result)).toEqual(['POD_NOT_INJECTED']);
    expect(result.findings[0].message).toMatch(/container sidecar has no/);
  });

  it('reports POD_ROLE_STALE when a pod carries an older role ARN', () => {
    const stale = [
      { name: 'AWS_ROLE_ARN', value: `arn:aws:iam::${ACCOUNT}:role/old` },
      injectedEnv[1],
    ];
    const result = analyzeServiceAccount({
      serviceAccount: annotated,
      pods: [pod('api-1', stale), pod('api-2')],
    });
    expect(codes(result)).toEqual(['POD_ROLE_STALE']);
    expect(result.findings[0]).toMatchObject({
      podName: 'api-1',
      severity: 'medium',
    });
  });

  it('reports POD_STATIC_CREDENTIALS when static keys shadow the web identity', () => {
    const env = [
      ...injectedEnv,
      { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAEXAMPLE' },
    ];
    const result = analyzeServiceAccount({
      serviceAccount: annotated,
      pods: [pod('api-1', env)],
    });
    expect(codes(result)).toEqual(['POD_STATIC_CREDENTIALS']);
    expect(result.pods[0].staticCredentials).toBe(true);
  });

  it('ignores pods of other service accounts, including the default one', () => {
    const other = pod('other', []);
    other.spec!.serviceAccountName = 'someone-else';
    const unnamed = pod('unnamed', []);
    delete unnamed.spec!.serviceAccountName;
    const result = analyzeServiceAccount({
      serviceAccount: annotated,
      pods: [other, unnamed, pod('mine')],
    });
    expect(result.pods.map(p => p.name)).toEqual(['mine']);
    expect(result.findings).toEqual([]);
  });

  describe('a misspelt role annotation key (SA_ANNOTATION_KEY_TYPO)', () => {
    it.each([
      'eks.amazon.com/role-arn',
      'eks.amazonaws.com/role_arn',
      'EKS.amazonaws.com/role-arn',
      'eks.amazonaws.com/rolearn',
      'eks.amazonaws.com/role-arn ',
      'eks.amazonaws.com/rol-arn',
      'eks.amazonaws.co/role-arn',
    ])('reports %j, naming the wrong key and the right one', key => {
      const result = analyzeServiceAccount({
        serviceAccount: serviceAccount({ [key]: ROLE_ARN }),
        pods: [pod('p', [])],
      });
      expect(codes(result)).toEqual(['SA_ANNOTATION_KEY_TYPO']);
      const [finding] = result.findings;
      expect(finding.severity).toBe('high');
      expect(finding.message).toContain(`"${key}"`);
      expect(finding.hint).toContain('"eks.amazonaws.com/role-arn"');
      // The webhook ignores the key: no role is bound, pods are not checked.
      expect(result.roleArn).toBeUndefined();
      expect(result.roleAnnotationTypo).toEqual({ key, value: ROLE_ARN });
      expect(result.pods).toEqual([]);
    });

    it.each([
      ['eks.amazonaws.com/audience', 'sts.amazonaws.com'],
      ['eks.amazonaws.com/token-expiration', '3600'],
      ['eks.amazonaws.com/sts-regional-endpoints', 'true'],
      ['eks.amazonaws.com/skip-containers', 'sidecar'],
      ['iam.amazonaws.com/role', ROLE_ARN],
      ['kubectl.kubernetes.io/last-applied-configuration', '{}'],
      ['example.com/role-arn', ROLE_ARN],
      [`${'x'.repeat(253)}/${'y'.repeat(63)}`, 'long'],
    ])('does not report %j', (key, value) => {
      const result = analyzeServiceAccount({
        serviceAccount: serviceAccount({ [key]: value }),
      });
      expect(codes(result)).toEqual([]);
      expect(result.roleAnnotationTypo).toBeUndefined();
    });

    it('does not report a near miss beside the right key', () => {
      const result = analyzeServiceAccount({
        serviceAccount: serviceAccount({
          'eks.amazonaws.com/role-arn': ROLE_ARN,
          'eks.amazon.com/role-arn': ROLE_ARN,
        }),
      });
      expect(codes(result)).toEqual([]);
      expect(result.roleArn).toBe(ROLE_ARN);
    });

    it('keeps the work bounded on many long keys', () => {
      const annotations = Object.fromEntries(
        Array.from({ length: 2000 }, (_, i) => [
          `${i}.example.com/${'k'.repeat(300)}`,
          'v',
        ]),
      );
      const analyze = () =>
        analyzeServiceAccount({ serviceAccount: serviceAccount(annotations) });
      expect(codes(analyze())).toEqual([]);
      expect(bestMeanMs(analyze, { batches: 3, runs: 1 })).toBeLessThan(50);
    });
  });
});

describe('analyzeRoleUsage', () => {
  const clusters = (
    serviceAccounts: Array<{ namespace: string; name: string }> | null,
  ) => [
    { name: 'demo-east', oidcIssuer: ISSUER_URL, serviceAccounts },
    {
      name: 'demo-west',
      oidcIssuer: `https://${OTHER_ISSUER}`,
      serviceAccounts: [],
    },
  ];

  it('lists the service accounts the role trusts and finds them present', () => {
    const result = analyzeRoleUsage({
      roleArn: ROLE_ARN,
      trustPolicy: AWS_GUIDE_POLICY,
      clusters: clusters([
        { namespace: 'default', name: 'my-service-account' },
      ]),
    });
    expect(result.findings).toEqual([]);
    expect(result.trustedSubjects).toEqual([
      {
        cluster: 'demo-east',
        statementIndex: 0,
        subject: 'system:serviceaccount:default:my-service-account',
        namespace: 'default',
        name: 'my-service-account',
        matching: [{ namespace: 'default', name: 'my-service-account' }],
      },
    ]);
  });

  it('reports ROLE_NO_SERVICE_ACCOUNT for a trusted service account that does not exist', () => {
    const result = analyzeRoleUsage({
      roleArn: ROLE_ARN,
      trustPolicy: JSON.stringify(AWS_GUIDE_POLICY),
      clusters: clusters([]),
    });
    expect(codes(result)).toEqual(['ROLE_NO_SERVICE_ACCOUNT']);
    expect(result.findings[0]).toMatchObject({
      severity: 'low',
      statementIndex: 0,
    });
    expect(result.findings[0].message).toMatch(
      /default\/my-service-account of cluster demo-east/,
    );
  });

  it('reports a StringLike pattern that matches no service account', () => {
    const policy = policyOf(
      irsaStatement({
        StringLike: { [SUB_KEY]: 'system:serviceaccount:ci-*:kaniko' },
      }),
    );
    const none = analyzeRoleUsage({
      roleArn: ROLE_ARN,
      trustPolicy: policy,
      clusters: clusters([{ namespace: 'default', name: 'kaniko' }]),
    });
    expect(codes(none)).toEqual(['ROLE_NO_SERVICE_ACCOUNT']);
    const some = analyzeRoleUsage({
      roleArn: ROLE_ARN,
      trustPolicy: policy,
      clusters: clusters([{ namespace: 'ci-main', name: 'kaniko' }]),
    });
    expect(some.findings).toEqual([]);
    expect(some.trustedSubjects[0].matching).toEqual([
      { namespace: 'ci-main', name: 'kaniko' },
    ]);
  });

  it('substitutes policy variables: ${*} is a literal star, unknown claims may be anything', () => {
    const literal = analyzeRoleUsage({
      roleArn: ROLE_ARN,
      trustPolicy: policyOf(
        irsaStatement({
          StringLike: { [SUB_KEY]: 'system:serviceaccount:default:${*}' },
        }),
      ),
      clusters: clusters([{ namespace: 'default', name: 'kaniko' }]),
    });
    expect(codes(literal)).toEqual(['ROLE_NO_SERVICE_ACCOUNT']);
    const unknown = analyzeRoleUsage({
      roleArn: ROLE_ARN,
      trustPolicy: policyOf(
        irsaStatement({
          StringEquals: {
            [SUB_KEY]: 'system:serviceaccount:default:${aws:PrincipalTag/app}',
          },
        }),
      ),
      clusters: clusters([{ namespace: 'default', name: 'kaniko' }]),
    });
    expect(unknown.findings).toEqual([]);
    expect(unknown.trustedSubjects[0].matching).toEqual([
      { namespace: 'default', name: 'kaniko' },
    ]);
  });

  it("says nothing when the cluster's service accounts are unknown, or the policy is malformed", () => {
    expect(
      analyzeRoleUsage({
        roleArn: ROLE_ARN,
        trustPolicy: AWS_GUIDE_POLICY,
        clusters: clusters(null),
      }).findings,
    ).toEqual([]);
    expect(
      analyzeRoleUsage({
        roleArn: ROLE_ARN,
        trustPolicy: '{',
        clusters: clusters([]),
      }),
    ).toEqual({ trustedSubjects: [], findings: [] });
  });
});
