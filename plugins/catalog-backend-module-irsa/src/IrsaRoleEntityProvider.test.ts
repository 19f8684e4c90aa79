import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type {
  InventoryBinding,
  InventoryPage,
} from '@irsa-backstage/plugin-irsa-common';
import type { IrsaService } from '@irsa-backstage/plugin-irsa-node';
import { IrsaRoleEntityProvider } from './IrsaRoleEntityProvider';

function binding(roleName: string, entityRef: string): InventoryBinding {
  return {
    id: `${roleName}-${entityRef}`,
    source: 'annotation',
    roleArn: `arn:aws:iam::123456789012:role/${roleName}`,
    roleExists: true,
    entityRef,
    owner: 'group:default/team-a',
    findings: [],
    stale: false,
    refreshedAt: '2026-01-01T00:00:00.000Z',
  };
}

const refreshedAt = '2026-01-01T00:00:00.000Z';

/** An IrsaService whose inventory answers are `pages`, keyed by cursor. */
function fakeIrsa(
  listInventoryBindings: IrsaService['listInventoryBindings'],
): IrsaService {
  const unused = () => Promise.reject(new Error('not used by the provider'));
  return {
    getHealth: unused,
    getEntityBindings: unused,
    verifyBinding: unused,
    simulatePermission: unused,
    planProvisioning: unused,
    applyProvisioning: unused,
    listAuditEvents: unused,
    listInventoryBindings,
  };
}

async function connectedProvider(irsa: IrsaService) {
  const logger = mockServices.logger.mock();
  const provider = new IrsaRoleEntityProvider({
    irsa,
    auth: mockServices.auth(),
    logger,
    // The test runs refresh() itself instead of the scheduler.
    taskRunner: { run: jest.fn() } as SchedulerServiceTaskRunner,
    mapping: { namespace: 'default' },
  });
  const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
  await provider.connect(connection as EntityProviderConnection);
  return { provider, connection, logger };
}

describe('IrsaRoleEntityProvider', () => {
  it('reads every page as the catalog service and applies one full mutation', async () => {
    const pages: Record<string, InventoryPage> = {
      first: {
        items: [binding('payments-api', 'component:default/payments-api')],
        nextCursor: 'c1',
        refreshedAt,
        sources: [],
      },
      c1: {
        items: [binding('payments-api', 'component:default/reports')],
        nextCursor: 'c2',
        refreshedAt,
        sources: [],
      },
      c2: {
        items: [binding('worker', 'component:default/worker')],
        refreshedAt,
        sources: [],
      },
    };
    const list = jest.fn(async (query: { cursor?: string }, _: object) => {
      return pages[query.cursor ?? 'first'];
    });
    const { provider, connection } = await connectedProvider(fakeIrsa(list));

    await provider.refresh();

    expect(list.mock.calls.map(([query]) => query)).toEqual([
      { limit: 500 },
      { limit: 500, cursor: 'c1' },
      { limit: 500, cursor: 'c2' },
    ]);
    expect(list.mock.calls[0][1]).toEqual({
      credentials: mockCredentials.service('plugin:test'),
    });
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    const [{ type, entities }] = connection.applyMutation.mock.calls[0];
    expect(type).toBe('full');
    expect(
      entities.map((e: any) => [
        e.entity.metadata.name,
        e.entity.spec.dependencyOf,
      ]),
    ).toEqual([
      [
        'payments-api',
        ['component:default/payments-api', 'component:default/reports'],
      ],
      ['worker', ['component:default/worker']],
    ]);
    expect(entities[0].locationKey).toBe('irsa-roles');
  });

  it('keeps the entities when the IRSA backend refuses or cannot be reached', async () => {
    const refusal = Object.assign(new Error('403 NotAllowedError'), {
      name: 'ResponseError',
    });
    const { provider, connection, logger } = await connectedProvider(
      fakeIrsa(jest.fn().mockRejectedValue(refusal)),
    );

    await provider.refresh();

    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('keeping the IAM roles in the catalog'),
    );
  });

  it('keeps the entities when a later page fails or a cursor repeats', async () => {
    const first: InventoryPage = {
      items: [binding('worker', 'component:default/worker')],
      nextCursor: 'c1',
      refreshedAt,
      sources: [],
    };
    const failing = jest
      .fn()
      .mockResolvedValueOnce(first)
      .mockRejectedValueOnce(new Error('fetch failed'));
    const looping = jest.fn().mockResolvedValue(first);
    for (const list of [failing, looping]) {
      const { provider, connection } = await connectedProvider(fakeIrsa(list));
      await provider.refresh();
      expect(connection.applyMutation).not.toHaveBeenCalled();
    }
    expect(looping).toHaveBeenCalledTimes(2);
  });

  it('applies nothing before the inventory has been built, and an empty mutation once it is empty', async () => {
    const list = jest
      .fn()
      .mockResolvedValueOnce({ items: [], sources: [] })
      .mockResolvedValueOnce({ items: [], refreshedAt, sources: [] });
    const { provider, connection } = await connectedProvider(fakeIrsa(list));

    await provider.refresh();
    expect(connection.applyMutation).not.toHaveBeenCalled();

    await provider.refresh();
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [],
    });
  });

  it('is scheduled on connect', async () => {
    const run = jest.fn();
    const provider = new IrsaRoleEntityProvider({
      irsa: fakeIrsa(jest.fn()),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      taskRunner: { run } as SchedulerServiceTaskRunner,
      mapping: { namespace: 'default' },
    });
    await provider.connect({} as EntityProviderConnection);
    expect(run).toHaveBeenCalledWith({
      id: 'irsa-roles:refresh',
      fn: expect.any(Function),
    });
  });
});
