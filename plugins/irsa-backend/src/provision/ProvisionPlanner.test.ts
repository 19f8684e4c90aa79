import { ConflictError } from '@backstage/errors';
import {
  RoleDetails,
  ServiceAccountLike,
} from '@irsa-backstage/plugin-irsa-common';
import {
  ACCOUNT,
  EAST_ISSUER,
  eksEstate,
  irsaRole,
  serviceAccount,
} from '../__testUtils__/estate';
import {
  provisioningEntity,
  validatedRequest,
} from '../__testUtils__/provisioning';
import { ProvisioningReads, ProvisionPlanner } from './ProvisionPlanner';

const entity = provisioningEntity;
const validated = validatedRequest;

/** Planning's reads over fixed state; records that nothing but reads happen (there is nothing else). */
function reads(state: {
  roles?: RoleDetails[];
  namespaces?: string[];
  serviceAccounts?: ServiceAccountLike[];
  providers?: boolean;
}): ProvisioningReads {
  const estate = eksEstate(state.roles);
  return {
    issuer: async () => EAST_ISSUER,
    oidcProviders: async () =>
      state.providers === false ? [] : estate.oidcProviders![ACCOUNT],
    role: async ({ roleName }) => state.roles?.find(r => r.name === roleName),
    trustPolicy: async ({ roleName }) =>
      state.roles?.find(r => r.name === roleName)?.trustPolicy,
    namespaceExists: async (_c, ns) =>
      (state.namespaces ?? ['payments']).includes(ns),
    serviceAccount: async (_c, { namespace, name }) =>
      state.serviceAccounts?.find(
        s => s.metadata?.namespace === namespace && s.metadata?.name === name,
      ),
  };
}

/** The role as provisioning leaves it: canonical trust, tags, the requested policies. */
function ourRole(): RoleDetails {
  const role = irsaRole('irsa-payments-api', {
    issuer: EAST_ISSUER,
    namespace: 'payments',
    serviceAccount: 'payments-api',
  });
  return { ...role, tags: validated().tags };
}
const ourServiceAccount = () =>
  serviceAccount('payments', 'payments-api', {
    role: 'irsa-payments-api',
    labels: { 'backstage.io/kubernetes-id': 'payments-api' },
  });

const summary = (changes: Array<{ target: string; action: string }>) =>
  changes.map(c => `${c.target} ${c.action}`);

describe('ProvisionPlanner', () => {
  const planner = (
    state: Parameters<typeof reads>[0],
    createOidcProvider = false,
  ) => new ProvisionPlanner(reads(state), { createOidcProvider });

  it('plans nothing when everything is as requested', async () => {
    const plan = await planner({
      roles: [ourRole()],
      serviceAccounts: [ourServiceAccount()],
    }).plan(validated(), entity);
    expect(plan.result.changes).toEqual([]);
    expect(plan.result.verdict.allowed).toBe(true);
  });

  it('plans a new role with the canonical trust policy, its policies and the service account', async () => {
    const plan = await planner({}).plan(
      validated({
        inlinePolicy: {
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          ],
        },
      }),
      entity,
    );
    expect(summary(plan.result.changes)).toEqual([
      'role create',
      'managed-policy attach',
      'inline-policy put',
      'service-account create',
    ]);
    expect(plan.trustPolicy.Statement).toHaveLength(1);
    expect(plan.serviceAccountLabels).toEqual({
      'backstage.io/kubernetes-id': 'payments-api',
    });
    expect(plan.result.verdict.allowed).toBe(true);
  });

  it('adds the trust statement to a role it manages that trusts another service account', async () => {
    const role = {
      ...ourRole(),
      trustPolicy: irsaRole('x', {
        issuer: EAST_ISSUER,
        namespace: 'payments',
        serviceAccount: 'other',
      }).trustPolicy,
    };
    const plan = await planner({
      roles: [role],
      serviceAccounts: [ourServiceAccount()],
    }).plan(validated(), entity);
    expect(summary(plan.result.changes)).toEqual(['trust-policy update']);
    expect(plan.trustPolicy.Statement).toHaveLength(2);
  });

  it('detaches and deletes what the request does not name only when exclusive', async () => {
    const role = {
      ...ourRole(),
      inlinePolicies: [{ name: 'legacy', document: '{"Statement":[]}' }],
    };
    const state = { roles: [role], serviceAccounts: [ourServiceAccount()] };
    expect(
      (await planner(state).plan(validated({ managedPolicyArns: [] }), entity))
        .result.changes,
    ).toEqual([]);
    expect(
      summary(
        (
          await planner(state).plan(
            validated({ managedPolicyArns: [], exclusive: true }),
            entity,
          )
        ).result.changes,
      ),
    ).toEqual(['managed-policy detach', 'inline-policy delete']);
  });

  it('annotates an existing plain service account', async () => {
    const plan = await planner({
      serviceAccounts: [serviceAccount('payments', 'payments-api')],
    }).plan(validated(), entity);
    expect(summary(plan.result.changes)).toEqual([
      'role create',
      'managed-policy attach',
      'service-account annotate',
    ]);
  });

  it.each([
    [
      'a missing OIDC provider',
      { providers: false },
      'has no IAM OIDC provider',
    ],
    [
      'a role it does not manage',
      { roles: [{ ...ourRole(), tags: {} }] },
      'is not managed by irsa-backstage',
    ],
    [
      'a role managed for another entity',
      {
        roles: [
          {
            ...ourRole(),
            tags: {
              ...ourRole().tags,
              'backstage.io/entity-ref': 'component:default/x',
            },
          },
        ],
      },
      'is managed for component:default/x',
    ],
    [
      'a service account of another role',
      {
        serviceAccounts: [
          serviceAccount('payments', 'payments-api', { role: 'someone-else' }),
        ],
      },
      'is annotated with another role',
    ],
    [
      'a service account of another entity',
      {
        serviceAccounts: [
          serviceAccount('payments', 'payments-api', {
            labels: { 'backstage.io/kubernetes-id': 'billing' },
          }),
        ],
      },
      'labelled backstage.io/kubernetes-id=billing',
    ],
    [
      'a missing namespace',
      { namespaces: [] },
      'Namespace payments does not exist',
    ],
  ])('refuses %s with a conflict', async (_name, state, message) => {
    await expect(planner(state).plan(validated(), entity)).rejects.toThrow(
      ConflictError,
    );
    await expect(planner(state).plan(validated(), entity)).rejects.toThrow(
      message,
    );
  });

  it('plans what the flags allow instead of refusing', async () => {
    const plan = await planner(
      { providers: false, namespaces: [], roles: [{ ...ourRole(), tags: {} }] },
      true,
    ).plan(
      validated({ createNamespace: true, adoptExistingRole: true }),
      entity,
    );
    expect(summary(plan.result.changes)).toEqual([
      'oidc-provider create',
      'role update',
      'namespace create',
      'service-account create',
    ]);
    const other = serviceAccount('payments', 'payments-api', {
      role: 'someone-else',
    });
    const override = await planner({
      roles: [ourRole()],
      serviceAccounts: [other],
    }).plan(validated({ overrideExistingServiceAccount: true }), entity);
    expect(summary(override.result.changes)).toEqual([
      'service-account annotate',
    ]);
  });
});
