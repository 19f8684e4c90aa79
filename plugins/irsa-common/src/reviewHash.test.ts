import { roleReviewHash } from './reviewHash';

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
