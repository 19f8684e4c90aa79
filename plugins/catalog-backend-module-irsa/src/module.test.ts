import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { ConfigReader } from '@backstage/config';
import type { IrsaService } from '@irsa-backstage/plugin-irsa-node';
import { irsaServiceRef } from '@irsa-backstage/plugin-irsa-node';
import request from 'supertest';
import { catalogModuleIrsa, readProviderConfig } from './module';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/payments-api';

/** An irsa service whose inventory is one role used by two components. */
const irsaWithOneRole = createServiceFactory({
  service: irsaServiceRef,
  deps: {},
  factory: () =>
    ({
      listInventoryBindings: async () => ({
        items: ['payments-api', 'reports'].map(name => ({
          id: name,
          source: 'annotation' as const,
          roleArn: ROLE_ARN,
          roleExists: true,
          entityRef: `component:default/${name}`,
          owner: 'group:default/team-payments',
          findings: [],
          stale: false,
          refreshedAt: '2026-01-01T00:00:00.000Z',
        })),
        refreshedAt: '2026-01-01T00:00:00.000Z',
        sources: [],
      }),
    } as Partial<IrsaService> as IrsaService),
});

describe('catalogModuleIrsa', () => {
  it('puts the role into the real catalog, a dependency of both components', async () => {
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIrsa,
        irsaWithOneRole,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            catalog: {
              providers: {
                irsa: {
                  // No initial delay: the test backend's scheduler runs the task at start.
                  schedule: {
                    frequency: { minutes: 10 },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
          },
        }),
      ],
    });

    const entity = await waitFor(async () => {
      const res = await request(server).get(
        '/api/catalog/entities/by-name/resource/default/payments-api',
      );
      return res.status === 200 && res.body.relations?.length
        ? res.body
        : undefined;
    });
    expect(entity.metadata.annotations['irsa.backstage.io/role-arn']).toBe(
      ROLE_ARN,
    );
    expect(entity.metadata.links[0].url).toBe(
      'http://localhost:3000/catalog/default/component/payments-api/irsa',
    );
    expect(entity.relations).toEqual(
      expect.arrayContaining([
        { type: 'ownedBy', targetRef: 'group:default/team-payments' },
        { type: 'dependencyOf', targetRef: 'component:default/payments-api' },
        { type: 'dependencyOf', targetRef: 'component:default/reports' },
      ]),
    );
  }, 60_000);
});

describe('readProviderConfig', () => {
  it('defaults to every 10 minutes in the default namespace, without a default owner', () => {
    expect(readProviderConfig(new ConfigReader({}))).toEqual({
      schedule: expect.objectContaining({ frequency: { minutes: 10 } }),
      mapping: { namespace: 'default' },
    });
  });

  it('reads catalog.providers.irsa', () => {
    const config = new ConfigReader({
      app: { baseUrl: 'https://portal.example.com' },
      catalog: {
        providers: {
          irsa: {
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 2 } },
            namespace: 'aws',
            defaultOwner: 'group:default/platform',
          },
        },
      },
    });
    expect(readProviderConfig(config)).toEqual({
      schedule: { frequency: { hours: 1 }, timeout: { minutes: 2 } },
      mapping: {
        namespace: 'aws',
        defaultOwner: 'group:default/platform',
        appBaseUrl: 'https://portal.example.com',
      },
    });
  });
});

/** Polls until `probe` returns a value: the catalog processes in the background. */
async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
