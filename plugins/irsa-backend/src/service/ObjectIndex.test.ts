import { mockServices } from '@backstage/backend-test-utils';
import { IndexedObject, ObjectIndex } from './ObjectIndex';
import { InformerLike, WatchedKind } from './WatchedKind';

const sa = (namespace: string, name: string, labels: Record<string, string> = {}): IndexedObject => ({
  metadata: { namespace, name, labels },
});
const names = (items: IndexedObject[]) => items.map(o => `${o.metadata!.namespace}/${o.metadata!.name}`);

describe('ObjectIndex', () => {
  const app = { 'backstage.io/kubernetes-id': 'payments' };

  it('finds objects by namespace and name, and follows updates and deletes', () => {
    const index = new ObjectIndex();
    index.upsert(sa('a', 'x', app));
    expect(index.get({ namespace: 'a', name: 'x' })).toEqual(sa('a', 'x', app));
    index.upsert(sa('a', 'x', { other: 'label' }));
    expect(index.get({ namespace: 'a', name: 'x' })!.metadata!.labels).toEqual({ other: 'label' });
    // the old label no longer finds it
    expect(index.select({ labelSelector: 'backstage.io/kubernetes-id=payments' }, 10).items).toEqual([]);
    index.delete(sa('a', 'x'));
    expect(index.get({ namespace: 'a', name: 'x' })).toBeUndefined();
    expect(index.size).toBe(0);
  });

  it('selects by label, in one namespace or all, sorted as the API server lists', () => {
    const index = new ObjectIndex();
    index.replaceAll([sa('b', 'y', app), sa('a', 'x', app), sa('a', 'z', { ...app, canary: 'true' }), sa('c', 'w')]);
    const selector = 'backstage.io/kubernetes-id=payments';
    expect(names(index.select({ labelSelector: selector }, 10).items)).toEqual(['a/x', 'a/z', 'b/y']);
    expect(names(index.select({ labelSelector: selector, namespace: 'a' }, 10).items)).toEqual(['a/x', 'a/z']);
    expect(names(index.select({ labelSelector: `${selector},!canary` }, 10).items)).toEqual(['a/x', 'b/y']);
    expect(names(index.select({ labelSelector: 'backstage.io/kubernetes-id in (payments,other)' }, 10).items)).toEqual([
      'a/x',
      'a/z',
      'b/y',
    ]);
    expect(names(index.select({ labelSelector: 'canary' }, 10).items)).toEqual(['a/z']);
  });

  it('reads only the objects carrying a pinned label, not the whole cluster', () => {
    let labelsRead = 0;
    const unlabelled = Array.from({ length: 50 }, (_, i) => ({
      metadata: {
        namespace: 'a',
        name: `n${i}`,
        get labels() {
          labelsRead += 1;
          return {};
        },
      },
    }));
    const index = new ObjectIndex();
    index.replaceAll([sa('a', 'x', app), ...unlabelled]);
    labelsRead = 0;
    expect(names(index.select({ labelSelector: 'backstage.io/kubernetes-id=payments,!canary' }, 10).items)).toEqual(['a/x']);
    expect(labelsRead).toBe(0);
  });

  it('stops at maxItems and says so, as the API reader does', () => {
    const index = new ObjectIndex();
    index.replaceAll([sa('a', '1', app), sa('a', '2', app), sa('a', '3', app)]);
    const query = { labelSelector: 'backstage.io/kubernetes-id=payments' };
    expect(index.select(query, 2)).toEqual({ items: [sa('a', '1', app), sa('a', '2', app)], truncated: true });
    expect(index.select(query, 3).truncated).toBe(false);
  });

  it('replaces everything with a fresh list: what was deleted meanwhile is gone', () => {
    const index = new ObjectIndex();
    index.replaceAll([sa('a', 'x', app), sa('a', 'y', app)]);
    index.replaceAll([sa('a', 'y', app)]);
    expect(names(index.select({ labelSelector: 'backstage.io/kubernetes-id=payments' }, 10).items)).toEqual(['a/y']);
  });

  it('refuses an invalid selector, as the API server would', () => {
    expect(() => new ObjectIndex().select({ labelSelector: 'a in (' }, 10)).toThrow(/invalid label selector/);
  });
});

/** An informer driven by the test. */
class FakeInformer implements InformerLike<IndexedObject> {
  readonly callbacks: Record<string, Array<(x: any) => void>> = {};
  stopped = false;
  on(verb: string, callback: (x: any) => void) {
    (this.callbacks[verb] ??= []).push(callback);
  }
  emit(verb: string, x: unknown) {
    for (const callback of this.callbacks[verb] ?? []) callback(x);
  }
  async start() {}
  async stop() {
    this.stopped = true;
  }
}

describe('WatchedKind', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watched(lists: Array<IndexedObject[] | null>) {
    const informers: FakeInformer[] = [];
    const kind = new WatchedKind<IndexedObject>('service accounts of cluster c', async onList => {
      const informer = new FakeInformer();
      informers.push(informer);
      const list = lists.shift();
      if (list) onList(list);
      return informer;
    }, mockServices.logger.mock());
    return { kind, informers };
  }

  it('is synced after its first list, and follows watch events', async () => {
    const { kind, informers } = watched([[sa('a', 'x')]]);
    kind.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(kind.synced).toBe(true);
    informers[0].emit('add', sa('a', 'y'));
    informers[0].emit('delete', sa('a', 'x'));
    expect(kind.index.size).toBe(1);
    expect(kind.index.get({ namespace: 'a', name: 'y' })).toBeDefined();
  });

  it('keeps its data when the watch fails, is down, and restarts with a new informer after a backoff', async () => {
    // null: that informer's list fails
    const { kind, informers } = watched([[sa('a', 'x')], null, [sa('a', 'z')]]);
    kind.start();
    await jest.advanceTimersByTimeAsync(0);
    informers[0].emit('error', new Error('socket hang up'));
    expect(informers[0].stopped).toBe(true);
    expect(kind.watchStatus).toEqual({ syncedAt: expect.any(Date), downSince: expect.any(Date), lastError: 'Error: socket hang up' });
    expect(kind.index.size).toBe(1);
    // a late event of the replaced informer is ignored
    informers[0].emit('add', sa('a', 'late'));
    expect(kind.index.size).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(informers).toHaveLength(2);
    informers[1].emit('error', new Error('ECONNREFUSED'));
    // the backoff doubles
    await jest.advanceTimersByTimeAsync(1999);
    expect(informers).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(informers).toHaveLength(3);
    expect(kind.watchStatus.downSince).toBeUndefined();
    expect(kind.index.get({ namespace: 'a', name: 'z' })).toBeDefined();
    expect(kind.index.size).toBe(1);
  });

  it('stops its informer and restarts nothing after stop()', async () => {
    const { kind, informers } = watched([[]]);
    kind.start();
    await jest.advanceTimersByTimeAsync(0);
    await kind.stop();
    expect(informers[0].stopped).toBe(true);
    informers[0].emit('error', new Error('closed'));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(informers).toHaveLength(1);
  });
});
