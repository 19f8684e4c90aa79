import type { InventoryBinding } from '@irsa-backstage/plugin-irsa-common';
import {
  catalogNamesForRoles,
  inventoryRoleEntities,
  roleNameOf,
} from './roleEntities';

const PAYMENTS_ROLE = 'arn:aws:iam::123456789012:role/payments-api';

function binding(overrides: Partial<InventoryBinding>): InventoryBinding {
  return {
    id: `b-${Math.random()}`,
    source: 'annotation',
    roleArn: PAYMENTS_ROLE,
    roleExists: true,
    entityRef: 'component:default/payments-api',
    owner: 'group:default/team-payments',
    findings: [],
    stale: false,
    refreshedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const options = {
  namespace: 'default',
  appBaseUrl: 'https://portal.example.com/',
};

describe('inventoryRoleEntities', () => {
  it('emits a role as a Resource owned by its binding owner, a dependency of the component, linking to its IRSA tab', () => {
    expect(inventoryRoleEntities([binding({})], options)).toEqual([
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'payments-api',
          namespace: 'default',
          title: 'payments-api',
          description: `IAM role ${PAYMENTS_ROLE}, from the IRSA inventory.`,
          annotations: {
            'irsa.backstage.io/role-arn': PAYMENTS_ROLE,
            'backstage.io/managed-by-location': 'irsa:inventory',
            'backstage.io/managed-by-origin-location': 'irsa:inventory',
          },
          links: [
            {
              url: 'https://portal.example.com/catalog/default/component/payments-api/irsa',
              title: 'IRSA of component:default/payments-api',
            },
          ],
        },
        spec: {
          type: 'aws-iam-role',
          owner: 'group:default/team-payments',
          dependencyOf: ['component:default/payments-api'],
        },
      },
    ]);
  });

  it('makes one Resource of a role several bindings use, a dependency of each component, owned by the most common owner', () => {
    const entities = inventoryRoleEntities(
      [
        binding({
          entityRef: 'component:default/reports',
          owner: 'group:default/b',
        }),
        binding({
          entityRef: 'component:ops/Billing Job',
          owner: 'group:default/a',
        }),
        binding({
          entityRef: 'component:default/reports',
          owner: 'group:default/b',
        }),
        binding({ source: 'trust', entityRef: undefined, owner: undefined }),
      ],
      options,
    );
    expect(entities).toHaveLength(1);
    expect(entities[0].spec).toEqual({
      type: 'aws-iam-role',
      owner: 'group:default/b',
      dependencyOf: ['component:default/reports', 'component:ops/Billing Job'],
    });
    expect(entities[0].metadata.links).toEqual([
      expect.objectContaining({
        url: 'https://portal.example.com/catalog/default/component/reports/irsa',
      }),
      expect.objectContaining({
        url: 'https://portal.example.com/catalog/ops/component/Billing%20Job/irsa',
      }),
    ]);
  });

  it('skips unowned roles, or gives them the configured default owner', () => {
    const unowned = [
      binding({ source: 'trust', entityRef: undefined, owner: undefined }),
    ];
    expect(inventoryRoleEntities(unowned, options)).toEqual([]);
    const [entity] = inventoryRoleEntities(unowned, {
      namespace: 'aws',
      defaultOwner: 'group:default/platform',
    });
    expect(entity.metadata.namespace).toBe('aws');
    expect(entity.metadata.links).toEqual([]);
    expect(entity.spec).toEqual({
      type: 'aws-iam-role',
      owner: 'group:default/platform',
      dependencyOf: [],
    });
  });

  it('skips bindings without a role, and roles that do not exist in AWS', () => {
    expect(
      inventoryRoleEntities(
        [binding({ roleArn: undefined }), binding({ roleExists: false })],
        options,
      ),
    ).toEqual([]);
  });
});

describe('catalogNamesForRoles', () => {
  it('keeps a role name the catalog accepts, and hashes the ARN into the others', () => {
    const long = `arn:aws:iam::1:role/${'a'.repeat(64)}`;
    const names = catalogNamesForRoles([
      'arn:aws:iam::1:role/team/Payments_API.v2',
      'arn:aws:iam::1:role/svc+deploy=prod,eu@x',
      'arn:aws:iam::1:role/--__',
      long,
    ]);
    expect([...names.values()]).toEqual([
      'Payments_API.v2',
      expect.stringMatching(/^svc-deploy-prod-eu-x-[0-9a-f]{8}$/),
      expect.stringMatching(/^role-[0-9a-f]{8}$/),
      expect.stringMatching(/^a{54}-[0-9a-f]{8}$/),
    ]);
    for (const name of names.values()) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$/);
    }
  });

  it('is deterministic, and gives same-named roles of several accounts distinct names', () => {
    const arns = [
      'arn:aws:iam::111111111111:role/external-dns',
      'arn:aws:iam::222222222222:role/External-DNS',
      'arn:aws:iam::111111111111:role/payments-api',
    ];
    const names = catalogNamesForRoles(arns);
    expect(catalogNamesForRoles(arns)).toEqual(names);
    expect(names.get(arns[0])).toMatch(/^external-dns-[0-9a-f]{8}$/);
    expect(names.get(arns[1])).toMatch(/^External-DNS-[0-9a-f]{8}$/);
    expect(names.get(arns[0])!.toLowerCase()).not.toBe(
      names.get(arns[1])!.toLowerCase(),
    );
    expect(names.get(arns[2])).toBe('payments-api');
  });

  it('reads the role name from an ARN with a path', () => {
    expect(roleNameOf('arn:aws:iam::1:role/a/b/worker')).toBe('worker');
  });
});
