import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule, createBackendPlugin, coreServices } from '@backstage/backend-plugin-api';
import irsaPlugin from '@irsa-backstage/plugin-irsa-backend';
import { irsaServiceRef, IrsaService } from '../lib';

describe('DefaultIrsaService', () => {
  it('reaches the real irsa backend through discovery with a plugin token', async () => {
    let service: IrsaService | undefined;
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: { irsa: irsaServiceRef, logger: coreServices.logger },
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
                { name: 'demo-east', accountId: '123456789012', region: 'us-east-1', url: 'https://127.0.0.1:1' },
              ],
            },
          },
        }),
      ],
    });
    await expect(service!.getHealth()).resolves.toEqual({ status: 'ok', clusters: 1 });
  });

  it('surfaces a refusal of the backend as a ResponseError', async () => {
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
      ],
    });
    await expect(
      service!.planProvisioning(
        { entityRef: 'component:default/x', cluster: 'c', namespace: 'n', serviceAccount: 's' },
        { credentials: mockCredentials.user('user:default/guest') },
      ),
    ).rejects.toMatchObject({ name: 'ResponseError' });
  });
});
