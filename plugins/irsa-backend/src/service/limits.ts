import { AsyncLocalStorage } from 'node:async_hooks';

/** A call that was cut off because its time was up. */
export class TimeoutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimeoutError';
  }
}

/**
 * A signal that aborts after `ms` with a {@link TimeoutError} as its reason,
 * so whatever it cuts off rejects with that message. The timer is unref'd: an
 * unused deadline never keeps the process alive.
 */
export function deadline(ms: number, message: string): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(message)), ms);
  timer.unref?.();
  return controller.signal;
}

/** `promise`, or the signal's reason as soon as it aborts (whatever `promise` still waits for). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() =>
    signal.removeEventListener('abort', onAbort),
  );
}

/** A counting semaphore; a waiter gives up when its signal aborts. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  /** Waits for a slot; the returned function gives it back (once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.capacity) {
      this.active += 1;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', waiter.giveUp);
          resolve();
        },
        giveUp: () => {
          const index = this.waiting.indexOf(waiter.grant);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal!.reason);
        },
      };
      this.waiting.push(waiter.grant);
      signal?.addEventListener('abort', waiter.giveUp, { once: true });
    });
    return this.releaser();
  }

  /** Slots in use. */
  get inUse(): number {
    return this.active;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays as it is.
      if (next) next();
      else this.active -= 1;
    };
  }
}

/** Runs `fn` holding a slot of `slots` (none: runs it directly). */
export async function withSlot<T>(
  slots: Semaphore | undefined,
  signal: AbortSignal,
  fn: () => Promise<T>,
): Promise<T> {
  if (!slots) return fn();
  const release = await slots.acquire(signal);
  try {
    return await fn();
  } finally {
    release();
  }
}

const requests = new AsyncLocalStorage<Map<object, unknown>>();

/**
 * Runs `fn` as one request (a page view): the AWS calls it makes, however deep,
 * share that request's concurrency cap and time limit. Nested calls join the
 * outer request.
 */
export function runAsOneRequest<T>(fn: () => Promise<T>): Promise<T> {
  return requests.getStore() ? fn() : requests.run(new Map(), fn);
}

/**
 * `owner`'s state for the current request, created on first use; undefined
 * outside {@link runAsOneRequest}.
 */
export function requestState<T>(owner: object, create: () => T): T | undefined {
  const store = requests.getStore();
  if (!store) return undefined;
  if (!store.has(owner)) store.set(owner, create());
  return store.get(owner) as T;
}
