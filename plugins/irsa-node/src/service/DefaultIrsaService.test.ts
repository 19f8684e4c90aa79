import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import irsaPlugin from '@irsa-backstage/plugin-irsa-backend';
import { irsaServiceRef, IrsaService } from '../lib';

/** The real irsa backend plus a module that hands out the service under test. */
async function startWithIrsa(
  features: Parameters<typeof startTestBackend>[0]['features'] = [],
): Promise<IrsaService> {
  let service: IrsaService | undefined;
  await startTestBackend({
    features: [
      irsaPlugin,
      createBackendModule({
        pluginId: 'irsa',
        moduleId: 'probe',
        register(env) {
          env.registerInit({
            deps: { irsa: irsaServiceRef },
            async init({ irsa }) {
              service = irsa;
            },
          });
        },
      }),
      ...features,
    ],
  });
  return service!;
}

const user = { credentials: mockCredentials.user('user:default/guest') };

describe('DefaultIrsaService', () => {
  it('reaches the real irsa backend through discovery', async () => {
    let service: IrsaService | undefined;
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: { irsa: irsaServiceRef },
          async init({ irsa }) {
            service = irsa;
          },
        });
      },
    });
    await startTestBackend({
      features: [
        irsaPlugin,
        probe,
        mockServices.rootConfig.factory({
          data: {
            irsa: {
              clusters: [
                {
                  name: 'demo-east',
                  accountId: '123456789012',
                  region: 'us-east-1',
                  url: 'https://127.0.0.1:1',
                },
              ],
            },
          },
        }),
      ],
    });
    await expect(service!.getHealth()).resolves.toEqual({
      status: 'ok',
      clusters: 1,
    });
  });

  it("reads an entity's bindings on behalf of the user", async () => {
    const service = await startWithIrsa([
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'team a#svc', namespace: 'default' },
            spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
          },
        ],
      }),
    ]);
    // No clusters are configured: an empty answer, through the real route
    // (the path parts are encoded by the generated client).
    await expect(
      service.getEntityBindings('component:team a#svc', user),
    ).resolves.toEqual({
      entityRef: 'component:default/team a#svc',
      bindings: [],
      errors: [],
    });
  });

  it('surfaces a refusal of the backend as a ResponseError', async () => {
    const service = await startWithIrsa([
      catalogServiceMock.factory({ entities: [] }),
    ]);
    await expect(
      service.getEntityBindings(
        { kind: 'Component', namespace: 'default', name: 'missing' },
        user,
      ),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
    await expect(
      service.verifyBinding(
        { cluster: 'nowhere', namespace: 'n', serviceAccount: 's' },
        user,
      ),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 400,
      body: { error: { name: 'InputError' } },
    });
  });

  it('asks POST /simulate on behalf of the user, whose bad request is named field by field', async () => {
    const service = await startWithIrsa();
    // Through the real route: the user is authorized, then every wrong field is named.
    await expect(
      service.simulatePermission(
        {
          cluster: 'nowhere',
          namespace: 'payments',
          serviceAccount: 'payments-api',
          action: 's3:Get*',
          resource: '*',
        },
        user,
      ),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 400,
      body: {
        error: {
          name: 'InputError',
          message: expect.stringMatching(
            /^cluster: no cluster "nowhere" is configured; action: /,
          ),
        },
      },
    });
  });

  it("pages the inventory as a plugin's own service, passing the query on", async () => {
    const service = await startWithIrsa();
    const catalog = { credentials: mockCredentials.service('plugin:catalog') };
    // Nothing refreshed yet: an empty page without a cursor or refresh time.
    await expect(
      service.listInventoryBindings({ limit: 500 }, catalog),
    ).resolves.toEqual({ items: [], sources: [] });
    // The query reaches the route's validation: limit is 1 to 500.
    await expect(
      service.listInventoryBindings({ limit: 501 }, catalog),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 400 });
  });
});
