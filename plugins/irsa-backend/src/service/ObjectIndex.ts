import { ObjectMetaLike } from '@irsa-backstage/plugin-irsa-common';
import { LabelQuery, Listed, ObjectRef } from './KubernetesReader';
import { LabelRequirement, matchesLabels, parseLabelSelector } from './labelSelector';

/** What the index needs of an object: its namespace, name and labels. */
export type IndexedObject = { metadata?: ObjectMetaLike };

/** The index key of a namespace. */
export const namespaceKey = (namespace: string) => `ns:${namespace}`;
/** The index key of a label pinned to a value. */
export const labelKey = (key: string, value: string) => `label:${key}=${value}`;

/** The keys every object is found by: its namespace and each of its labels. */
export function metadataKeys(object: IndexedObject): string[] {
  const labels = Object.entries(object.metadata?.labels ?? {}).map(([k, v]) => labelKey(k, v));
  return [namespaceKey(object.metadata?.namespace ?? ''), ...labels];
}

const refKey = (namespace: string, name: string) => `${namespace}/${name}`;
const refOf = (object: IndexedObject) => refKey(object.metadata?.namespace ?? '', object.metadata?.name ?? '');

/**
 * The objects of one kind of one cluster, in memory, as an informer keeps
 * them: by namespace and name, and by key (namespace, `label=value`, and any
 * key `keysOf` adds) so that a selector pinning a label reads only the
 * objects that carry it instead of scanning the cluster.
 */
export class ObjectIndex<T extends IndexedObject> {
  /** `<namespace>/<name>` → object. */
  private readonly objects = new Map<string, T>();
  /** Index key → the `<namespace>/<name>` of the objects that have it. */
  private readonly byKey = new Map<string, Set<string>>();
  private changes = 0;

  constructor(private readonly keysOf: (object: T) => string[] = metadataKeys) {}

  get size(): number {
    return this.objects.size;
  }

  /** Grows with every change (an upsert, a delete, a fresh list): what was read from it may differ. */
  get version(): number {
    return this.changes;
  }

  /** Adds the object, or replaces the one of the same namespace and name. */
  upsert(object: T): void {
    this.changes += 1;
    const ref = refOf(object);
    this.removeRef(ref);
    this.objects.set(ref, object);
    for (const key of this.keysOf(object)) {
      let refs = this.byKey.get(key);
      if (!refs) this.byKey.set(key, (refs = new Set()));
      refs.add(ref);
    }
  }

  delete(object: IndexedObject): void {
    this.changes += 1;
    this.removeRef(refOf(object));
  }

  /** Holds exactly `objects` from now on (a fresh list replaces everything). */
  replaceAll(objects: T[]): void {
    this.objects.clear();
    this.byKey.clear();
    for (const object of objects) this.upsert(object);
  }

  get({ namespace, name }: ObjectRef): T | undefined {
    return this.objects.get(refKey(namespace, name));
  }

  /** The objects that have `key`, sorted by namespace and name, up to `maxItems`. */
  withKey(key: string, maxItems: number): Listed<T> {
    return this.capped([...(this.byKey.get(key) ?? [])], maxItems);
  }

  /**
   * The objects a label query selects, sorted by namespace and name (as the
   * API server lists them), up to `maxItems`.
   */
  select({ labelSelector, namespace }: LabelQuery, maxItems: number): Listed<T> {
    const parsed = parseLabelSelector(labelSelector);
    if ('problem' in parsed) {
      // What the API server would answer with 400; discovery validates selectors first.
      throw new Error(`invalid label selector ${JSON.stringify(labelSelector)}: ${parsed.problem}`);
    }
    const refs = this.candidates(parsed.requirements, namespace).filter(ref => {
      const metadata = this.objects.get(ref)!.metadata;
      return (
        (namespace === undefined || metadata?.namespace === namespace) &&
        matchesLabels(parsed.requirements, metadata?.labels ?? {})
      );
    });
    return this.capped(refs, maxItems);
  }

  /**
   * The smallest superset of the matches the key index gives: the objects of
   * the namespace, or of a label pinned to its value(s); every object only
   * when nothing pins.
   */
  private candidates(requirements: LabelRequirement[], namespace: string | undefined): string[] {
    const sets: Array<Set<string> | string[]> = [];
    if (namespace !== undefined) sets.push(this.byKey.get(namespaceKey(namespace)) ?? []);
    for (const { key, operator, values } of requirements) {
      if (operator === '=' || operator === '==' || operator === 'in') {
        sets.push(values.flatMap(value => [...(this.byKey.get(labelKey(key, value)) ?? [])]));
      }
    }
    if (sets.length === 0) return [...this.objects.keys()];
    const sizeOf = (s: Set<string> | string[]) => (s instanceof Set ? s.size : s.length);
    return [...sets.reduce((a, b) => (sizeOf(b) < sizeOf(a) ? b : a))];
  }

  private capped(refs: string[], maxItems: number): Listed<T> {
    const sorted = [...new Set(refs)].sort();
    return {
      items: sorted.slice(0, maxItems).map(ref => this.objects.get(ref)!),
      truncated: sorted.length > maxItems,
    };
  }

  private removeRef(ref: string): void {
    const old = this.objects.get(ref);
    if (!old) return;
    for (const key of this.keysOf(old)) {
      const refs = this.byKey.get(key);
      refs?.delete(ref);
      if (refs?.size === 0) this.byKey.delete(key);
    }
    this.objects.delete(ref);
  }
}
