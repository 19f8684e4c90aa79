import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type {
  ProvisionRequest,
  ProvisionResult,
} from '@irsa-backstage/plugin-irsa-common';
import type { IrsaService } from '@irsa-backstage/plugin-irsa-node';
import { createIrsaCreateAction } from './irsaCreate';

/**
 * An IrsaService that records what the action asks and answers with a
 * result derived from the request: the action's routing is under test here;
 * irsaCreate.sandbox.test.ts runs it against the real backend.
 */
function recordingIrsa() {
  const calls: Array<{
    route: 'plan' | 'apply';
    request: ProvisionRequest;
    credentials: BackstageCredentials;
  }> = [];
  const answer =
    (route: 'plan' | 'apply') =>
    async (
      request: ProvisionRequest,
      { credentials }: { credentials: BackstageCredentials },
    ): Promise<ProvisionResult> => {
      calls.push({ route, request, credentials });
      return {
        roleArn: `arn:aws:iam::123456789012:role/${request.serviceAccount}`,
        serviceAccount: {
          cluster: request.cluster,
          namespace: request.namespace,
          name: request.serviceAccount,
        },
        changes: [{ target: 'role', action: 'create', detail: route }],
        verdict: { allowed: route === 'apply' } as ProvisionResult['verdict'],
      };
    };
  const irsa = {
    planProvisioning: answer('plan'),
    applyProvisioning: answer('apply'),
  } as unknown as IrsaService;
  return { irsa, calls };
}

const input = {
  entityRef: 'component:default/payments-api',
  cluster: 'demo-east',
  namespace: 'payments',
  serviceAccount: 'payments-reporter',
  managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
};
const initiator = mockCredentials.user('user:default/guest');

function context(
  extra: { input?: object; isDryRun?: boolean; reversed?: boolean } = {},
) {
  const merged = Object.entries({ ...input, ...extra.input });
  const ctx = createMockActionContext({
    input: Object.fromEntries(extra.reversed ? merged.reverse() : merged),
  });
  const keys: string[] = [];
  return {
    keys,
    ctx: {
      ...ctx,
      isDryRun: extra.isDryRun ?? false,
      getInitiatorCredentials: async () => initiator,
      checkpoint: async (opts: { key: string; fn: () => Promise<unknown> }) => {
        keys.push(opts.key);
        return opts.fn();
      },
    } as any,
  };
}

describe('aws:irsa:create', () => {
  it("applies as the template's initiator and outputs the result", async () => {
    const { irsa, calls } = recordingIrsa();
    const { ctx } = context({ input: { createNamespace: undefined } });
    await createIrsaCreateAction({ irsa }).handler(ctx);
    expect(calls).toEqual([
      { route: 'apply', request: input, credentials: initiator },
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'roleArn',
      'arn:aws:iam::123456789012:role/payments-reporter',
    );
    expect(ctx.output).toHaveBeenCalledWith('serviceAccount', {
      cluster: 'demo-east',
      namespace: 'payments',
      name: 'payments-reporter',
    });
    expect(ctx.output).toHaveBeenCalledWith('changes', [
      { target: 'role', action: 'create', detail: 'apply' },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('allowed', true);
  });

  it('plans in a dry run and never applies', async () => {
    const { irsa, calls } = recordingIrsa();
    const { ctx, keys } = context({ isDryRun: true });
    await createIrsaCreateAction({ irsa }).handler(ctx);
    expect(calls.map(c => c.route)).toEqual(['plan']);
    expect(keys).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('allowed', false);
  });

  it('checkpoints under a key that covers the whole request, not only its target', async () => {
    const keyFor = async (extra: object, reversed = false) => {
      const { irsa } = recordingIrsa();
      const { ctx, keys } = context({ input: extra, reversed });
      await createIrsaCreateAction({ irsa }).handler(ctx);
      return keys[0];
    };
    const base = await keyFor({});
    expect(base).toMatch(/^aws:irsa:create:[0-9a-f]{64}$/);
    // The same request with its keys in another order is the same request.
    expect(await keyFor({}, true)).toBe(base);
    const changed = await Promise.all([
      keyFor({ managedPolicyArns: [] }),
      keyFor({ exclusive: true }),
      keyFor({ inlinePolicy: { Version: '2012-10-17', Statement: [] } }),
      keyFor({ tags: { team: 'payments' } }),
      keyFor({ roleName: 'another-name' }),
    ]);
    for (const key of changed) expect(key).not.toBe(base);
    expect(new Set(changed).size).toBe(changed.length);
  });

  it("makes the backend's refusal the step error, in the backend's words", async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message:
              'You may not provision IAM roles for component:default/admin-console',
          },
          request: { method: 'POST', url: '/api/irsa/provision/apply' },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'content-type': 'application/json' },
        },
      ) as any,
    );
    const irsa = {
      applyProvisioning: async () => {
        throw refusal;
      },
    } as unknown as IrsaService;
    const { ctx } = context({
      input: { entityRef: 'component:default/admin-console' },
    });
    await expect(createIrsaCreateAction({ irsa }).handler(ctx)).rejects.toThrow(
      'The IRSA backend answered 403 NotAllowedError: You may not provision IAM roles for component:default/admin-console',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
