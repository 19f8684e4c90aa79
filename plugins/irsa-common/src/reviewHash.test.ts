import { reviewBindingKey, roleReviewHash } from './reviewHash';

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity' }],
});
const s3 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
});

const role = {
  trustPolicy: encodeURIComponent(trust),
  attachedPolicies: [
    { arn: 'arn:aws:iam::aws:policy/A', document: encodeURIComponent(s3) },
    { arn: 'arn:aws:iam::aws:policy/B', document: encodeURIComponent(s3) },
  ],
  inlinePolicies: [{ name: 'inline', document: encodeURIComponent(s3) }],
};

describe('roleReviewHash', () => {
  it('is eight hex digits, the same for the same role', () => {
    expect(roleReviewHash(role)).toMatch(/^[0-9a-f]{8}$/);
    expect(roleReviewHash({ ...role })).toBe(roleReviewHash(role));
  });

  it('ignores encoding, whitespace and the order IAM lists policies in', () => {
    expect(
      roleReviewHash({
        ...role,
        trustPolicy: JSON.stringify(JSON.parse(trust), null, 2),
        attachedPolicies: [...role.attachedPolicies].reverse(),
      }),
    ).toBe(roleReviewHash(role));
  });

  it('changes with the trust policy, a policy document, a policy and the boundary', () => {
    const base = roleReviewHash(role);
    const changed = [
      { ...role, trustPolicy: trust.replace('Allow', 'Deny') },
      {
        ...role,
        inlinePolicies: [
          { name: 'inline', document: s3.replace('GetObject', 'PutObject') },
        ],
      },
      { ...role, attachedPolicies: role.attachedPolicies.slice(1) },
      { ...role, permissionsBoundaryArn: 'arn:aws:iam::aws:policy/Boundary' },
    ].map(roleReviewHash);
    for (const hash of changed) expect(hash).not.toBe(base);
    expect(new Set(changed).size).toBe(changed.length);
  });
});

describe('reviewBindingKey', () => {
  const arn = 'arn:aws:iam::123456789012:role/app';

  it('names a binding by cluster, namespace, service account and role', () => {
    const key = reviewBindingKey({
      cluster: 'demo-east',
      namespace: 'payments',
      serviceAccount: 'payments-api',
      roleArn: arn,
    });
    expect(key).toBe(`demo-east|payments|payments-api|${arn}`);
    expect(
      reviewBindingKey({
        cluster: 'demo-west',
        namespace: 'payments',
        serviceAccount: 'payments-api',
        roleArn: arn,
      }),
    ).not.toBe(key);
  });

  it('keeps the places of missing parts, so a tag-linked role has a key of its own', () => {
    expect(reviewBindingKey({ roleArn: arn })).toBe(`|||${arn}`);
    expect(reviewBindingKey({ namespace: 'payments', roleArn: arn })).not.toBe(
      reviewBindingKey({ serviceAccount: 'payments', roleArn: arn }),
    );
  });
});
