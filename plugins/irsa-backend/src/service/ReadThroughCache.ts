import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/** A dead cache must not hang a request: past this we load instead. */
const CACHE_READ_TIMEOUT_MS = 1000;

/**
 * Read-through cache over the cache service (shared across replicas when the
 * cache is) with request coalescing: concurrent misses for one key share one
 * load. Failed loads are not cached, so the next request tries again.
 */
export class ReadThroughCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private loaded = 0;

  constructor(
    private readonly cache: CacheService,
    private readonly logger: LoggerService,
  ) {}

  /** How many values this process has loaded (read anew) so far: grows when cached data is replaced. */
  get loads(): number {
    return this.loaded;
  }

  async get<T extends JsonValue>(
    key: string,
    ttlMs: number,
    load: () => Promise<T>,
  ): Promise<T> {
    // `any`: setTimeout is typed by both DOM (number) and Node (Timeout) here.
    let timer: any;
    const hit = await Promise.race([
      this.cache.get<T>(key).catch(() => undefined),
      new Promise<undefined>(resolve => {
        timer = setTimeout(resolve, CACHE_READ_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (hit !== undefined) {
      return hit;
    }
    let pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load()
        .then(async value => {
          this.loaded += 1;
          await this.cache.set(key, value, { ttl: ttlMs }).catch(e =>
            this.logger.warn(`Could not cache ${key}: ${describeError(e)}`),
          );
          return value;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}

/** `Name: message` of an error, for messages that reach users and logs. */
export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
