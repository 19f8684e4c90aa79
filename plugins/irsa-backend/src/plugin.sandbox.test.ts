/*
 * The whole plugin against the sandbox: the bindings route with the real permission check,
 * a catalog entity, the kube-apiserver and moto. Needs a running, seeded sandbox.
 */
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { irsaPlugin } from './plugin';
import { validateAgainstSpec } from './schema/__testUtils__/validateAgainstSpec';
import { loadSettings, sandboxAppConfig } from './__testUtils__/sandboxSettings';

describe('irsaPlugin against the sandbox', () => {
  it('answers the entity tab for a seeded component', async () => {
    const s = loadSettings();
    const { server } = await startTestBackend({
      features: [
        irsaPlugin,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'inventory-sync',
                namespace: 'default',
                annotations: { 'backstage.io/kubernetes-id': 'inventory-sync' },
              },
              spec: { type: 'service', owner: 'group:default/team-inventory', lifecycle: 'production' },
            },
          ],
        }),
        mockServices.rootConfig.factory({ data: sandboxAppConfig(s) }),
      ],
    });
    const res = await request(server).get('/api/irsa/entities/default/component/inventory-sync/bindings')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(validateAgainstSpec('EntityBindings', res.body)).toEqual([]);
    expect(res.body.entityRef).toBe('component:default/inventory-sync');
    expect(res.body.errors).toEqual([]);
    const [binding] = res.body.bindings;
    expect(binding.serviceAccount).toEqual({ cluster: 'demo-east', namespace: 'inventory', name: 'inventory-sync' });
    expect(binding.verdict.allowed).toBe(false);
    expect(binding.findings.map((f: { code: string }) => f.code)).toContain('TRUST_ISSUER_MISMATCH');
  });
});
