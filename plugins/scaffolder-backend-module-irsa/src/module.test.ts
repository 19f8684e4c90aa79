import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import request from 'supertest';
import { scaffolderModuleIrsa } from './module';

describe('scaffolderModuleIrsa', () => {
  it('registers aws:irsa:create with the scaffolder, with its input schema', async () => {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleIrsa,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007' } },
        }),
      ],
    });
    const res = await request(server).get('/api/scaffolder/v2/actions');
    expect(res.status).toBe(200);
    const action = res.body.find(
      (a: { id: string }) => a.id === 'aws:irsa:create',
    );
    expect(action).toBeDefined();
    expect(action.schema.input.required).toEqual(
      expect.arrayContaining([
        'entityRef',
        'cluster',
        'namespace',
        'serviceAccount',
      ]),
    );
    expect(action.examples).toHaveLength(1);
  });
});
