import {
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Config, ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  Permission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  irsaBindingCreatePermission,
  irsaBindingReadPermission,
  irsaInventoryReadPermission,
  irsaReviewCreatePermission,
} from '@irsa-backstage/plugin-irsa-common';
import request from 'supertest';
import { loadRepoConfig } from '../__testUtils__/loadRepoConfig';
import permissionPolicyModule, {
  DemoPermissionPolicy,
  readDemoPolicyGrants,
} from './permissionPolicy';

/** Who is in which group, as an organisation provider would have it. */
const groupsOf: Record<string, string[]> = {
  'user:default/sam': ['group:default/platform-security'],
  'user:default/pat': ['group:default/team-payments'],
};

function infoOf(userEntityRef: string) {
  return {
    userEntityRef,
    ownershipEntityRefs: [userEntityRef, ...(groupsOf[userEntityRef] ?? [])],
  };
}

const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    return infoOf(
      (credentials.principal as BackstageUserPrincipal).userEntityRef,
    );
  },
};

/** A signed-in user as the permission backend hands it to the policy. */
function signedIn(userEntityRef: string): PolicyQueryUser {
  return {
    credentials: mockCredentials.user(userEntityRef),
    // still required by the type, though deprecated: the policy asks userInfo
    info: infoOf(userEntityRef),
  };
}

const sam = signedIn('user:default/sam');
const pat = signedIn('user:default/pat');

function policyFor(config: Config) {
  return new DemoPermissionPolicy(readDemoPolicyGrants(config), userInfo);
}

async function resultOf(
  policy: DemoPermissionPolicy,
  permission: Permission,
  user?: PolicyQueryUser,
) {
  return (await policy.handle({ permission }, user)).result;
}

/** The permissions whose holders come from `irsaDemo.permissions`. */
const GRANTED = [
  irsaInventoryReadPermission,
  irsaReviewCreatePermission,
  catalogLocationCreatePermission,
];

/** The catalog condition that the entity is owned by one of `claims`. */
function ownerCondition(claims: string[]) {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions: {
      rule: 'IS_ENTITY_OWNER',
      resourceType: 'catalog-entity',
      params: { claims },
    },
  };
}

describe('DemoPermissionPolicy', () => {
  describe('with the demo config (app-config.yaml)', () => {
    let policy: DemoPermissionPolicy;
    beforeAll(async () => {
      policy = policyFor(await loadRepoConfig('app-config.yaml'));
    });

    it.each(GRANTED)(
      'grants $name to every signed-in user, in any group',
      async permission => {
        expect(await resultOf(policy, permission, sam)).toBe(
          AuthorizeResult.ALLOW,
        );
        expect(await resultOf(policy, permission, pat)).toBe(
          AuthorizeResult.ALLOW,
        );
      },
    );

    it.each(GRANTED)(
      'refuses $name to callers that are not signed-in users',
      async permission => {
        expect(await resultOf(policy, permission)).toBe(AuthorizeResult.DENY);
      },
    );
  });

  describe('with the production config (app-config.yaml + app-config.production.yaml)', () => {
    let policy: DemoPermissionPolicy;
    beforeAll(async () => {
      policy = policyFor(
        await loadRepoConfig('app-config.yaml', 'app-config.production.yaml'),
      );
    });

    it.each(GRANTED)(
      'grants $name to members of group:default/platform-security',
      async permission => {
        expect(await resultOf(policy, permission, sam)).toBe(
          AuthorizeResult.ALLOW,
        );
      },
    );

    it.each(GRANTED.filter(p => p !== irsaReviewCreatePermission))(
      'refuses $name to a signed-in user outside that group',
      async permission => {
        expect(await resultOf(policy, permission, pat)).toBe(
          AuthorizeResult.DENY,
        );
        expect(await resultOf(policy, permission)).toBe(AuthorizeResult.DENY);
      },
    );

    it("lets a user outside that group review only their own entities' bindings", async () => {
      expect(
        await policy.handle({ permission: irsaReviewCreatePermission }, pat),
      ).toEqual(
        ownerCondition(['user:default/pat', 'group:default/team-payments']),
      );
      expect(await resultOf(policy, irsaReviewCreatePermission)).toBe(
        AuthorizeResult.DENY,
      );
    });
  });

  describe('whatever the grants', () => {
    const policy = policyFor(new ConfigReader({}));

    it('lets every signed-in user, and nobody else, read bindings', async () => {
      expect(await resultOf(policy, irsaBindingReadPermission, pat)).toBe(
        AuthorizeResult.ALLOW,
      );
      expect(await resultOf(policy, irsaBindingReadPermission)).toBe(
        AuthorizeResult.DENY,
      );
    });

    it("lets only an entity's owners provision: a condition on the user's ownership refs", async () => {
      expect(
        await policy.handle({ permission: irsaBindingCreatePermission }, pat),
      ).toEqual(
        ownerCondition(['user:default/pat', 'group:default/team-payments']),
      );
      expect(await resultOf(policy, irsaBindingCreatePermission)).toBe(
        AuthorizeResult.DENY,
      );
    });

    it.each(GRANTED.filter(p => p !== irsaReviewCreatePermission))(
      'grants $name to nobody when it is not configured',
      async permission => {
        expect(await resultOf(policy, permission, sam)).toBe(
          AuthorizeResult.DENY,
        );
      },
    );

    it("lets an entity's owners review its bindings when no reviewers are configured", async () => {
      expect(
        await policy.handle({ permission: irsaReviewCreatePermission }, sam),
      ).toEqual(
        ownerCondition(['user:default/sam', 'group:default/platform-security']),
      );
      expect(await resultOf(policy, irsaReviewCreatePermission)).toBe(
        AuthorizeResult.DENY,
      );
    });
  });
});

describe('readDemoPolicyGrants', () => {
  const grantsOf = (inventoryReaders: string[]) =>
    readDemoPolicyGrants(
      new ConfigReader({ irsaDemo: { permissions: { inventoryReaders } } }),
    );

  it('compares refs case-insensitively, as the catalog does', async () => {
    const policy = new DemoPermissionPolicy(
      grantsOf(['Group:default/Platform-Security']),
      userInfo,
    );
    expect(await resultOf(policy, irsaInventoryReadPermission, sam)).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('grants to a single user as well as to a group', async () => {
    const policy = new DemoPermissionPolicy(
      grantsOf(['user:default/pat']),
      userInfo,
    );
    expect(await resultOf(policy, irsaInventoryReadPermission, pat)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await resultOf(policy, irsaInventoryReadPermission, sam)).toBe(
      AuthorizeResult.DENY,
    );
  });

  it.each([
    ['platform-security', 'a ref without kind'],
    ['component:default/payments-api', 'a kind that holds no grants'],
    ['everyone', 'a misspelt every-signed-in-user'],
  ])('refuses %s (%s), naming the key', (value, _why) => {
    expect(() => grantsOf(['group:default/a', value])).toThrow(
      `irsaDemo.permissions.inventoryReaders[1]: "${value}" is neither a user or group ref`,
    );
  });

  it('refuses every-signed-in-user next to refs, which would read as a restriction', () => {
    expect(() =>
      grantsOf(['every-signed-in-user', 'group:default/platform-security']),
    ).toThrow(/every-signed-in-user already includes everyone/);
  });
});

describe('the policy module in a backend', () => {
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        permissionBackend,
        permissionPolicyModule,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            irsaDemo: {
              permissions: {
                inventoryReaders: ['group:default/platform-security'],
              },
            },
          },
        }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => userInfo,
        }),
      ],
    });
    return server;
  }

  async function authorize(
    server: Awaited<ReturnType<typeof startBackend>>,
    userEntityRef: string,
  ) {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header(userEntityRef))
      .send({ items: [{ id: '1', permission: irsaInventoryReadPermission }] });
    expect(res.status).toBe(200);
    return res.body.items[0].result;
  }

  it('takes the inventory readers from config and the groups from the user info service', async () => {
    const server = await startBackend();
    expect(await authorize(server, 'user:default/sam')).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await authorize(server, 'user:default/pat')).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('refuses to start with a malformed grant, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          permissionBackend,
          permissionPolicyModule,
          mockServices.rootConfig.factory({
            data: {
              irsaDemo: { permissions: { reviewers: ['platform-security'] } },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/irsaDemo\.permissions\.reviewers\[0\]/);
  });
});
