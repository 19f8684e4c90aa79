import { Entity } from '@backstage/catalog-model';
import { EntityBindings } from '@irsa-backstage/plugin-irsa-common';
import { BindingDiscovery } from './BindingDiscovery';
import { EntityViews } from './EntityViews';

const entity = (
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': 'payments-api',
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default', annotations },
});

/** A discovery whose data version and answers the test sets. */
function fakeDiscovery() {
  const state = {
    version: 'v1' as string | undefined,
    errors: [] as EntityBindings['errors'],
    builds: 0,
  };
  const discovery = {
    dataVersion: () => state.version,
    entityBindings: jest.fn(async (e: Entity): Promise<EntityBindings> => {
      state.builds += 1;
      return {
        entityRef: `component:default/${e.metadata.name}`,
        bindings: [],
        errors: state.errors,
        // What was seen at build time, so that a reused view is told from a new one.
        ...{ build: state.builds },
      } as EntityBindings;
    }),
  };
  return { state, discovery: discovery as unknown as BindingDiscovery };
}

describe('EntityViews', () => {
  it('reuses an unchanged view, with its body and ETag made once', async () => {
    const { state, discovery } = fakeDiscovery();
    const views = new EntityViews(discovery, {
      reuseMs: 10_000,
      maxEntries: 10,
    });
    const first = await views.view(entity());
    const second = await views.view(entity());
    expect(state.builds).toBe(1);
    expect(second).toBe(first);
    expect(first.body?.etag).toMatch(/^W\/"[\w-]+"$/);
  });

  it('builds anew when the clusters or IAM data changed, or the entity annotations did', async () => {
    const { state, discovery } = fakeDiscovery();
    const views = new EntityViews(discovery, {
      reuseMs: 10_000,
      maxEntries: 10,
    });
    const first = await views.view(entity());
    state.version = 'v2';
    const afterChange = await views.view(entity());
    expect(state.builds).toBe(2);
    expect(afterChange.body?.etag).not.toBe(first.body?.etag);
    await views.view(entity({ 'backstage.io/kubernetes-id': 'orders-worker' }));
    expect(state.builds).toBe(3);
  });

  it('builds anew once the view is older than reuseMs', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const { state, discovery } = fakeDiscovery();
      const views = new EntityViews(discovery, {
        reuseMs: 5_000,
        maxEntries: 10,
      });
      await views.view(entity());
      jest.setSystemTime(1_004_000);
      await views.view(entity());
      expect(state.builds).toBe(1);
      jest.setSystemTime(1_006_000);
      await views.view(entity());
      expect(state.builds).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps no view with errors, none while data may be stale, and none when reuse is off', async () => {
    const { state, discovery } = fakeDiscovery();
    const views = new EntityViews(discovery, {
      reuseMs: 10_000,
      maxEntries: 10,
    });
    state.errors = [{ cluster: 'demo-east', message: 'timed out' }];
    await views.view(entity());
    await views.view(entity());
    expect(state.builds).toBe(2);
    state.errors = [];
    state.version = undefined;
    const unversioned = await views.view(entity());
    await views.view(entity());
    expect(state.builds).toBe(4);
    expect(unversioned.body).toBeUndefined();

    const off = fakeDiscovery();
    const never = new EntityViews(off.discovery, {
      reuseMs: 0,
      maxEntries: 10,
    });
    await never.view(entity());
    await never.view(entity());
    expect(off.state.builds).toBe(2);
  });

  it('shares one build between concurrent requests, and holds at most maxEntries views', async () => {
    const { state, discovery } = fakeDiscovery();
    const views = new EntityViews(discovery, {
      reuseMs: 10_000,
      maxEntries: 1,
    });
    await Promise.all([
      views.view(entity()),
      views.view(entity()),
      views.view(entity()),
    ]);
    expect(state.builds).toBe(1);
    const other = {
      ...entity(),
      metadata: { ...entity().metadata, name: 'orders-worker' },
    };
    await views.view(other);
    await views.view(entity());
    expect(state.builds).toBe(3);
  });
});
