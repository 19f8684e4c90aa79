import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityAccess } from './EntityAccess';

const REF = 'component:default/payments-api';
const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/team-payments' },
};

function principalId(principal: any): string {
  if (principal.type === 'user') return principal.userEntityRef;
  if (principal.type === 'service') return `service:${principal.subject}`;
  return principal.type;
}

/** Permissions granting irsa.binding.read to `allowed` users, and a catalog counting lookups. */
function setup(options: { reuseMs: number; allowed: string[] }) {
  const grants = new Set(options.allowed);
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, { credentials }) =>
      requests.map(() => ({
        result: grants.has(principalId(credentials.principal))
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })),
  });
  const catalog = catalogServiceMock({ entities: [payments] });
  const lookups = jest.spyOn(catalog, 'getEntityByRef');
  const access = new EntityAccess(
    { permissions, catalog },
    { reuseMs: options.reuseMs, maxEntries: 10 },
  );
  return { access, grants, permissions, lookups };
}

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

describe('EntityAccess', () => {
  it('checks a caller once per entity within reuseMs, and each other caller for itself', async () => {
    const { access, permissions, lookups } = setup({
      reuseMs: 10_000,
      allowed: ['user:default/alice'],
    });
    const [first, second] = await Promise.all([
      access.readableEntity(REF, alice),
      access.readableEntity(REF, alice),
    ]);
    await access.readableEntity(REF, alice);
    expect(first.metadata.name).toBe('payments-api');
    expect(second).toBe(first);
    expect(permissions.authorize).toHaveBeenCalledTimes(1);
    expect(lookups).toHaveBeenCalledTimes(1);

    await expect(access.readableEntity(REF, bob)).rejects.toThrow(
      NotAllowedError,
    );
    expect(permissions.authorize).toHaveBeenCalledTimes(2);
  });

  it('keeps no refusal and no miss: a new grant or entity counts at once', async () => {
    const { access, grants, lookups } = setup({
      reuseMs: 10_000,
      allowed: [],
    });
    await expect(access.readableEntity(REF, bob)).rejects.toThrow(
      NotAllowedError,
    );
    grants.add('user:default/bob');
    await expect(access.readableEntity(REF, bob)).resolves.toMatchObject({
      metadata: { name: 'payments-api' },
    });

    const missing = 'component:default/nothing';
    await expect(access.readableEntity(missing, bob)).rejects.toThrow(
      NotFoundError,
    );
    await expect(access.readableEntity(missing, bob)).rejects.toThrow(
      NotFoundError,
    );
    expect(lookups.mock.calls.filter(([ref]) => ref === missing)).toHaveLength(
      2,
    );
  });

  it('checks again once the grant is older than reuseMs, so a revoked grant counts', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const { access, grants } = setup({
        reuseMs: 5_000,
        allowed: ['user:default/alice'],
      });
      await access.readableEntity(REF, alice);
      grants.delete('user:default/alice');
      jest.setSystemTime(1_004_000);
      await expect(access.readableEntity(REF, alice)).resolves.toBeDefined();
      jest.setSystemTime(1_005_000);
      await expect(access.readableEntity(REF, alice)).rejects.toThrow(
        NotAllowedError,
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('checks every request when reuse is off, and for callers that are neither user nor service; a service like a user', async () => {
    const off = setup({ reuseMs: 0, allowed: ['user:default/alice'] });
    await off.access.readableEntity(REF, alice);
    await off.access.readableEntity(REF, alice);
    expect(off.permissions.authorize).toHaveBeenCalledTimes(2);

    const on = setup({
      reuseMs: 10_000,
      allowed: ['none', 'service:plugin:scaffolder'],
    });
    const none = mockCredentials.none();
    await on.access.readableEntity(REF, none);
    await on.access.readableEntity(REF, none);
    expect(on.permissions.authorize).toHaveBeenCalledTimes(2);
    const service = mockCredentials.service('plugin:scaffolder');
    await on.access.readableEntity(REF, service);
    await on.access.readableEntity(REF, service);
    expect(on.permissions.authorize).toHaveBeenCalledTimes(3);
  });
});
