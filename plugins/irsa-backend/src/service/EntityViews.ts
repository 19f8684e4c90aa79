import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EntityBindings } from '@irsa-backstage/plugin-irsa-common';
import { BindingDiscovery } from './BindingDiscovery';
import { EncodedJson } from './EncodedJson';
import { RecentMap } from './RecentMap';

/**
 * An entity view; when it is reused, also its `body` (its JSON, ETag and
 * compressed forms, made once per view built), so that a request need not
 * serialise, hash or compress it again and a browser's `If-None-Match` gets
 * a 304.
 */
export type EntityView = { bindings: EntityBindings; body?: EncodedJson };

/** One entity's view, with what it was built from. */
type Entry = {
  fingerprint: string;
  builtAt: number;
  view: Promise<EntityView>;
};

/**
 * The entity views (`GET /entities/.../bindings`), each reused while
 * nothing it was built from has changed: the entity's annotations, the
 * clusters' service accounts and pods (the informers' index versions), the
 * roles this process has read from IAM (a role read anew drops every view),
 * and at most `reuseMs` old, which bounds how long an IAM or inventory change
 * waits beyond the caches' own lifetimes. A warm view then costs no discovery
 * and no analysis. Views with errors, and views while some
 * cluster is read from its API server or from a watch that is down, are not
 * kept. Concurrent requests for the same view share one build. Callers share
 * the returned object: they must not change it.
 */
export class EntityViews {
  private readonly entries: RecentMap<Entry>;

  constructor(
    private readonly discovery: BindingDiscovery,
    private readonly options: { reuseMs: number; maxEntries: number },
  ) {
    this.entries = new RecentMap(options.maxEntries);
  }

  view(entity: Entity): Promise<EntityView> {
    const ref = stringifyEntityRef(entity);
    const version =
      this.options.reuseMs > 0 ? this.discovery.dataVersion() : undefined;
    if (version === undefined)
      return this.discovery
        .entityBindings(entity)
        .then(bindings => ({ bindings }));
    const fingerprint = `${version}|${JSON.stringify(
      entity.metadata.annotations ?? {},
    )}`;
    const now = Date.now();
    const entry = this.entries.get(ref);
    if (
      entry &&
      entry.fingerprint === fingerprint &&
      now - entry.builtAt < this.options.reuseMs
    ) {
      return entry.view;
    }
    const fresh = {
      fingerprint,
      builtAt: now,
      view: this.discovery.entityBindings(entity).then(withBody),
    };
    this.entries.set(ref, fresh);
    fresh.view.then(
      view => !isWhole(view.bindings) && this.entries.deleteIf(ref, fresh),
      () => this.entries.deleteIf(ref, fresh),
    );
    return fresh.view;
  }
}

function withBody(bindings: EntityBindings): EntityView {
  return { bindings, body: new EncodedJson(bindings) };
}

/** A view without errors: nothing in it depends on a read that failed. */
function isWhole(view: EntityBindings): boolean {
  return (
    view.errors.length === 0 && view.bindings.every(b => b.error === undefined)
  );
}
