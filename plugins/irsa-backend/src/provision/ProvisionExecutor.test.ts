import { RoleDetails } from '@irsa-backstage/plugin-irsa-common';
import {
  ACCOUNT,
  EAST_ISSUER,
  eksEstate,
  irsaRole,
  S3_READ_ONLY,
} from '../__testUtils__/estate';
import {
  provisioningEntity,
  validatedRequest,
} from '../__testUtils__/provisioning';
import { ProvisionApplyError, ProvisionExecutor } from './ProvisionExecutor';
import { ProvisioningReads, ProvisionPlanner } from './ProvisionPlanner';
import { ProvisioningWrites } from './ProvisioningWrites';

const entity = provisioningEntity;
const OTHER_POLICY = `arn:aws:iam::${ACCOUNT}:policy/other`;
const validated = (extra: object = {}) =>
  validatedRequest({
    inlinePolicy: {
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    },
    ...extra,
  });

/** IAM and a cluster in memory: reads over it, writes that change it, a write that fails on demand. */
function world(initial: { roles?: RoleDetails[]; namespaces?: string[] }) {
  const roles = new Map((initial.roles ?? []).map(r => [r.name!, { ...r }]));
  const namespaces = new Set(initial.namespaces ?? ['payments']);
  const serviceAccounts = new Set<string>();
  const calls: string[] = [];
  const failAt = new Set<string>();
  const estate = eksEstate();
  const write =
    <A extends unknown[]>(name: string, f: (...args: A) => void) =>
    async (...args: A) => {
      calls.push(name);
      if (failAt.has(name)) throw new Error(`${name} refused`);
      f(...args);
    };
  const role = (name: string) => {
    const r = roles.get(name);
    if (!r) throw new Error(`no role ${name}`);
    return r;
  };
  const reads: ProvisioningReads = {
    issuer: async () => EAST_ISSUER,
    oidcProviders: async () => estate.oidcProviders![ACCOUNT],
    role: async ({ roleName }) => roles.get(roleName),
    trustPolicy: async ({ roleName }) => {
      if (failAt.has('readTrustPolicy')) throw new Error('GetRole throttled');
      return roles.get(roleName)?.trustPolicy;
    },
    namespaceExists: async (_c, ns) => namespaces.has(ns),
    serviceAccount: async () => undefined,
  };
  const writes: ProvisioningWrites = {
    createOidcProvider: write('createOidcProvider', () => {}) as any,
    deleteOidcProvider: write('deleteOidcProvider', () => {}),
    createRole: write('createRole', (r, o) => {
      roles.set(r.roleName, {
        arn: `arn:aws:iam::${ACCOUNT}:role/${r.roleName}`,
        name: r.roleName,
        trustPolicy: JSON.stringify(o.trustPolicy),
        attachedPolicies: [],
        inlinePolicies: [],
        tags: o.tags,
      });
    }),
    deleteRole: write('deleteRole', r => {
      const x = role(r.roleName);
      if (x.attachedPolicies?.length || x.inlinePolicies?.length) {
        throw new Error('DeleteConflict');
      }
      roles.delete(r.roleName);
    }),
    updateTrustPolicy: write('updateTrustPolicy', (r, p) => {
      role(r.roleName).trustPolicy = JSON.stringify(p);
    }),
    tagRole: write('tagRole', (r, t) => {
      const x = role(r.roleName);
      x.tags = { ...x.tags, ...t };
    }),
    putPermissionsBoundary: write('putPermissionsBoundary', () => {}),
    attachPolicy: write('attachPolicy', (r, arn) => {
      role(r.roleName).attachedPolicies!.push({ arn, name: arn });
    }),
    detachPolicy: write('detachPolicy', (r, arn) => {
      const x = role(r.roleName);
      x.attachedPolicies = x.attachedPolicies!.filter(p => p.arn !== arn);
    }),
    putInlinePolicy: write('putInlinePolicy', (r, name, document) => {
      const x = role(r.roleName);
      x.inlinePolicies = [
        ...x.inlinePolicies!.filter(p => p.name !== name),
        { name, document: JSON.stringify(document) },
      ];
    }),
    deleteInlinePolicy: write('deleteInlinePolicy', (r, name) => {
      const x = role(r.roleName);
      x.inlinePolicies = x.inlinePolicies!.filter(p => p.name !== name);
    }),
    createNamespace: write('createNamespace', (_c, ns) => {
      namespaces.add(ns);
    }),
    deleteNamespace: write('deleteNamespace', (_c, ns) => {
      namespaces.delete(ns);
    }),
    createServiceAccount: write('createServiceAccount', sa => {
      serviceAccounts.add(`${sa.namespace}/${sa.name}`);
    }),
    patchServiceAccount: write('patchServiceAccount', () => {}),
  };
  return {
    roles,
    namespaces,
    serviceAccounts,
    calls,
    failAt: (...names: string[]) => names.forEach(n => failAt.add(n)),
    async run(request = validated()) {
      const plan = await new ProvisionPlanner(reads, {
        createOidcProvider: false,
      }).plan(request, entity);
      return new ProvisionExecutor(reads, writes).execute(request, plan);
    },
  };
}

describe('ProvisionExecutor', () => {
  it('creates the role, its policies and the service account, and verifies the trust', async () => {
    const w = world({});
    const result = await w.run();
    expect(w.calls).toEqual([
      'createRole',
      'attachPolicy',
      'putInlinePolicy',
      'createServiceAccount',
    ]);
    expect(result.verdict.allowed).toBe(true);
    expect(w.serviceAccounts.has('payments/payments-api')).toBe(true);
  });

  it('undoes everything it created, in reverse, when the service account cannot be created', async () => {
    const w = world({});
    w.failAt('createServiceAccount');
    const error = await w.run().catch(e => e);
    expect(error).toBeInstanceOf(ProvisionApplyError);
    expect(error.undone).toEqual([
      'put inline policy irsa-backstage',
      `attach ${S3_READ_ONLY}`,
      `create role arn:aws:iam::${ACCOUNT}:role/irsa-payments-api`,
    ]);
    expect(error.message).toContain(
      'failed at "create service account demo-east/payments/payments-api": createServiceAccount refused',
    );
    expect(w.roles.size).toBe(0);
  });

  it('undoes nothing when only the verification fails: every write was made, and it says so', async () => {
    const w = world({});
    w.failAt('readTrustPolicy');
    const error = await w.run().catch(e => e);
    expect(error).toBeInstanceOf(ProvisionApplyError);
    expect(error.undone).toEqual([]);
    expect(error.message).toMatch(
      /^Provisioned \(create arn:.*\), but verifying the trust of arn:aws:iam::\d+:role\/irsa-payments-api failed: GetRole throttled\. Nothing was undone/,
    );
    expect(w.roles.size).toBe(1);
    expect(w.serviceAccounts.has('payments/payments-api')).toBe(true);
  });

  it('deletes a namespace it created, not one that existed', async () => {
    const w = world({ namespaces: [] });
    w.failAt('createServiceAccount');
    const error = await w
      .run(validated({ createNamespace: true }))
      .catch(e => e);
    expect(error.undone[0]).toBe('create namespace payments');
    expect(w.namespaces.has('payments')).toBe(false);

    const w2 = world({});
    w2.failAt('createServiceAccount');
    await w2.run().catch(e => e);
    expect(w2.calls).not.toContain('deleteNamespace');
    expect(w2.namespaces.has('payments')).toBe(true);
  });

  it('never deletes a role that existed: detaches only what it attached, and says what it left changed', async () => {
    const existing: RoleDetails = {
      ...irsaRole('irsa-payments-api', {
        issuer: EAST_ISSUER,
        namespace: 'payments',
        serviceAccount: 'payments-api',
      }),
      attachedPolicies: [{ arn: OTHER_POLICY, name: 'other' }],
      inlinePolicies: [],
      tags: {},
    };
    const w = world({ roles: [existing] });
    w.failAt('createServiceAccount');
    const error = await w
      .run(validated({ adoptExistingRole: true }))
      .catch(e => e);
    expect(error).toBeInstanceOf(ProvisionApplyError);
    expect(w.calls).not.toContain('deleteRole');
    expect(w.calls).toContain('detachPolicy');
    const role = w.roles.get('irsa-payments-api')!;
    expect(role.attachedPolicies).toEqual([
      { arn: OTHER_POLICY, name: 'other' },
    ]);
    expect(role.inlinePolicies).toEqual([]);
    expect(error.notUndone).toEqual([
      `tag role arn:aws:iam::${ACCOUNT}:role/irsa-payments-api (it changed what existed before)`,
    ]);
  });

  it('reports an undo that fails, and goes on undoing', async () => {
    const w = world({});
    w.failAt('createServiceAccount', 'deleteInlinePolicy');
    const error = await w.run().catch(e => e);
    expect(error.undone).toEqual([`attach ${S3_READ_ONLY}`]);
    expect(error.notUndone).toEqual([
      'put inline policy irsa-backstage (undo failed: deleteInlinePolicy refused)',
      `create role arn:aws:iam::${ACCOUNT}:role/irsa-payments-api (undo failed: DeleteConflict)`,
    ]);
    expect(error.message).toContain('Not undone: put inline policy');
  });

  it('undoes only what came before the step that failed', async () => {
    const w = world({});
    w.failAt('putInlinePolicy');
    const error = await w.run().catch(e => e);
    expect(error.undone).toEqual([
      `attach ${S3_READ_ONLY}`,
      `create role arn:aws:iam::${ACCOUNT}:role/irsa-payments-api`,
    ]);
    expect(w.roles.size).toBe(0);
  });

  it('throws the error itself when the first write fails (nothing to undo)', async () => {
    const w = world({});
    w.failAt('createRole');
    const error = await w.run().catch(e => e);
    expect(error).not.toBeInstanceOf(ProvisionApplyError);
    expect(error.message).toBe('createRole refused');
  });
});
