import {
  deadline,
  raceAbort,
  requestState,
  runAsOneRequest,
  Semaphore,
  TimeoutError,
  withSlot,
} from './limits';

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('Semaphore', () => {
  it('never lets more than its capacity through, and serves waiters in order', async () => {
    const slots = new Semaphore(2);
    let inFlight = 0;
    let maxInFlight = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        withSlot(slots, new AbortController().signal, async () => {
          order.push(i);
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await tick();
          inFlight -= 1;
        }),
      ),
    );
    expect(maxInFlight).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(slots.inUse).toBe(0);
  });

  it('lets a waiter give up when its signal aborts, without losing a slot', async () => {
    const slots = new Semaphore(1);
    const release = await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new TimeoutError('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    release();
    release(); // a second release is ignored
    expect(slots.inUse).toBe(0);
    const again = await slots.acquire();
    expect(slots.inUse).toBe(1);
    again();
  });
});

describe('deadline and raceAbort', () => {
  it('cuts off a promise that never settles, with the deadline message', async () => {
    const started = Date.now();
    await expect(raceAbort(new Promise(() => {}), deadline(50, 'too slow'))).rejects.toThrow(
      new TimeoutError('too slow'),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('passes through what settles in time', async () => {
    await expect(raceAbort(Promise.resolve(7), deadline(1000, 'x'))).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('no')), deadline(1000, 'x'))).rejects.toThrow('no');
  });
});

describe('runAsOneRequest', () => {
  it('gives each request its own state, shared by nested calls', async () => {
    const owner = {};
    let created = 0;
    const state = () => requestState(owner, () => ({ id: ++created }));
    expect(state()).toBeUndefined();
    const [a, b] = await Promise.all([
      runAsOneRequest(async () => {
        await tick();
        return [state(), await runAsOneRequest(async () => state())];
      }),
      runAsOneRequest(async () => [state()]),
    ]);
    expect(a[0]).toBe(a[1]);
    expect(b[0]).not.toBe(a[0]);
    expect(created).toBe(2);
  });
});
