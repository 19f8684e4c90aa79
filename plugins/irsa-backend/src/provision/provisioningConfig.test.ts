import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_FORBIDDEN_ACTIONS,
  readProvisioningSettings,
} from './provisioningConfig';

const read = (provisioning: object) =>
  readProvisioningSettings(new ConfigReader({ irsa: { provisioning } }));

describe('readProvisioningSettings', () => {
  it('has safe defaults', () => {
    const settings = readProvisioningSettings(new ConfigReader({}));
    expect(settings.createOidcProvider).toBe(false);
    expect(settings.guardrails).toMatchObject({
      allowedManagedPolicyArns: undefined,
      deniedManagedPolicyArns: [],
      roleNamePrefix: 'irsa-',
      rolePath: '/',
      extraTags: {},
      allowRiskyPolicies: false,
    });
    expect(DEFAULT_FORBIDDEN_ACTIONS).toEqual(
      expect.arrayContaining([
        '*',
        'iam:*',
        'iam:passrole',
        'iam:attachrolepolicy',
        'iam:createpolicyversion',
      ]),
    );
  });

  it('reads the guardrails, forbidden actions in lower case', () => {
    const { guardrails, createOidcProvider } = read({
      createOidcProvider: true,
      guardrails: {
        forbiddenActions: ['S3:DeleteBucket'],
        extraTags: { team: 'platform' },
        rolePath: '/irsa/',
      },
    });
    expect(createOidcProvider).toBe(true);
    expect(guardrails.forbiddenActions).toEqual(['s3:deletebucket']);
    expect(guardrails.extraTags).toEqual({ team: 'platform' });
    expect(guardrails.rolePath).toBe('/irsa/');
  });

  it.each([
    [{ rolePath: 'irsa' }, 'irsa.provisioning.guardrails.rolePath'],
    [
      { requiredPermissionsBoundaryArn: 'boundary' },
      'irsa.provisioning.guardrails.requiredPermissionsBoundaryArn',
    ],
    [{ roleNamePrefix: 'a/b' }, 'irsa.provisioning.guardrails.roleNamePrefix'],
  ])('fails start-up on %j naming the key', (guardrails, key) => {
    expect(() => read({ guardrails })).toThrow(key);
  });
});
