import { LoggerService } from '@backstage/backend-plugin-api';
import { IndexedObject, ObjectIndex } from './ObjectIndex';
import { describeError } from './ReadThroughCache';

/** The part of `@kubernetes/client-node`'s informer used here. */
export interface InformerLike<T> {
  on(verb: 'add' | 'update' | 'delete', callback: (object: T) => void): void;
  on(verb: 'error', callback: (error: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Makes a new informer (with a fresh connection and token) whose initial
 * list calls `onList` with every object before the informer reports them.
 */
export type InformerSource<T> = (onList: (objects: T[]) => void) => Promise<InformerLike<T>>;

/** Restarts after an error wait 1 s, doubling up to 30 s while errors go on. */
export const FIRST_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 30_000;

/**
 * A watch that brought no event for this long is probed (see WatchedKind). The
 * client's own inactivity timeout (30 s) only reconnects, without a word, so a
 * server that accepts connections and never answers would look watched forever.
 */
export const SILENCE_MS = 60_000;

/** Where a watched kind stands. */
export type WatchStatus = {
  /** When the last full list was read; undefined until the first one. */
  syncedAt?: Date;
  /** When the watch went down (an error, then reconnecting); undefined while it is up. */
  downSince?: Date;
  /** Why it went down. */
  lastError?: string;
};

/**
 * One kind of object (service accounts or pods) of one cluster, watched by an
 * informer into an {@link ObjectIndex}. The informer gives up on an error (a
 * refused token, a cut connection): the watch is then restarted with a new
 * informer after a backoff, keeping the index (stale) until its list replaces it.
 * A watch silent for `silenceMs` (no event, no list) is asked whether its server
 * still answers (`probe`, within its own time limit): a quiet cluster does, and
 * nothing changes; a server that does not is treated as an error, the same way.
 */
export class WatchedKind<T extends IndexedObject> {
  readonly index: ObjectIndex<T>;
  private status: WatchStatus = {};
  private informer: InformerLike<T> | undefined;
  /** Bumped for each informer, so that a replaced one's late events are ignored. */
  private generation = 0;
  private backoffMs = FIRST_BACKOFF_MS;
  private restart: NodeJS.Timeout | undefined;
  private stopped = false;
  /** When the watch last showed it was alive: an event, a list, an answered probe. */
  private aliveAt = Date.now();
  private silenceCheck: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    private readonly what: string,
    private readonly source: InformerSource<T>,
    private readonly logger: LoggerService,
    options: {
      keysOf?: (object: T) => string[];
      trim?: (object: T) => T;
      onError?: (error: unknown) => void;
      /** Whether the server answers at all: resolves, or rejects within its own time limit. */
      probe?: () => Promise<unknown>;
      silenceMs?: number;
    } = {},
  ) {
    this.index = new ObjectIndex<T>(options.keysOf);
    this.trim = options.trim ?? (object => object);
    this.onError = options.onError ?? (() => {});
    this.probe = options.probe;
    this.silenceMs = options.silenceMs ?? SILENCE_MS;
  }

  private readonly probe: (() => Promise<unknown>) | undefined;
  private readonly silenceMs: number;

  private readonly trim: (object: T) => T;
  private readonly onError: (error: unknown) => void;

  /** Whether the index holds a full list: reads may be answered from it. */
  get synced(): boolean {
    return this.status.syncedAt !== undefined;
  }

  get watchStatus(): WatchStatus {
    return { ...this.status };
  }

  /** Starts watching; returns at once (the list and watch go on in the background). */
  start(): void {
    this.stopped = false;
    void this.connect();
    if (this.probe && !this.silenceCheck) {
      this.silenceCheck = setInterval(() => void this.checkSilence(), Math.max(100, this.silenceMs / 2));
      // Checking must not keep the process alive.
      this.silenceCheck.unref?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation += 1;
    clearTimeout(this.restart);
    clearInterval(this.silenceCheck);
    this.silenceCheck = undefined;
    const informer = this.informer;
    this.informer = undefined;
    await informer?.stop().catch(() => {});
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.stopped;
    try {
      const informer = await this.source(objects => current() && this.listed(objects));
      if (!current()) {
        await informer.stop();
        return;
      }
      this.informer = informer;
      informer.on('add', object => current() && this.alive() && this.index.upsert(this.trim(object)));
      informer.on('update', object => current() && this.alive() && this.index.upsert(this.trim(object)));
      informer.on('delete', object => current() && this.alive() && this.index.delete(object));
      informer.on('error', error => current() && this.failed(error));
      await informer.start();
    } catch (error) {
      if (current()) this.failed(error);
    }
  }

  private alive(): true {
    this.aliveAt = Date.now();
    return true;
  }

  /** A watch up and silent for silenceMs: does its server still answer? */
  private async checkSilence(): Promise<void> {
    const up = this.informer !== undefined && !this.status.downSince;
    if (!up || this.probing || Date.now() - this.aliveAt < this.silenceMs) return;
    this.probing = true;
    const generation = this.generation;
    try {
      await this.probe!();
      this.alive();
    } catch (error) {
      if (generation === this.generation && !this.stopped) {
        this.failed(
          new Error(
            `no event for ${Math.round((Date.now() - this.aliveAt) / 1000)} s and the API server did not answer: ${describeError(error)}`,
          ),
        );
      }
    } finally {
      this.probing = false;
    }
  }

  private listed(objects: T[]): void {
    this.alive();
    this.index.replaceAll(objects.map(this.trim));
    this.status = { syncedAt: new Date() };
    this.backoffMs = FIRST_BACKOFF_MS;
  }

  /** The informer has given up: keep the index, restart after the backoff. */
  private failed(error: unknown): void {
    this.generation += 1;
    const informer = this.informer;
    this.informer = undefined;
    void informer?.stop().catch(() => {});
    this.status = { ...this.status, downSince: this.status.downSince ?? new Date(), lastError: describeError(error) };
    this.onError(error);
    this.logger.warn(
      `Watch of ${this.what} failed (${this.status.lastError}); restarting in ${this.backoffMs} ms`,
    );
    clearTimeout(this.restart);
    this.restart = setTimeout(() => void this.connect(), this.backoffMs);
    // A pending restart must not keep the process alive.
    this.restart.unref?.();
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }
}
