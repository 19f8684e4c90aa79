import { InputError } from '@backstage/errors';
import {
  parseRoleArn,
  type InventoryBinding,
  type InventorySource,
  type Severity,
} from '@irsa-backstage/plugin-irsa-common';
import { Knex } from 'knex';

const SEVERITY_RANK: Record<Severity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};
const NO_FINDINGS = 5;

/** Which bindings to list; `owners` limits a non-inventory reader to what they own. */
export interface InventoryQuery {
  owner?: string;
  owners?: string[];
  cluster?: string;
  namespace?: string;
  severity?: Severity;
  code?: string;
  limit?: number;
  cursor?: string;
}

/** One refresh's outcome: fresh bindings, and the accounts and clusters that failed. */
export interface InventoryRefresh {
  bindings: InventoryBinding[];
  sources: InventorySource[];
  refreshedAt: string;
}

/**
 * The inventory in the plugin database, so that every replica answers the
 * same. A refresh replaces the bindings of the sources that were read; those
 * of a failed account or cluster are kept, marked stale.
 */
export class InventoryStore {
  constructor(private readonly db: Knex) {}

  async replace(refresh: InventoryRefresh): Promise<void> {
    const failed = refresh.sources.filter(s => s.stale);
    const failedAccounts = failed
      .filter(s => s.kind === 'account')
      .map(s => s.name);
    const failedClusters = failed
      .filter(s => s.kind === 'cluster')
      .map(s => s.name);
    await this.db.transaction(async tx => {
      // coalesce: a NULL cluster or account must count as "not failed", not as unknown.
      const keep = (q: Knex.QueryBuilder) =>
        q
          .whereIn(tx.raw("coalesce(role_account, '')") as any, failedAccounts)
          .orWhereIn(tx.raw("coalesce(cluster, '')") as any, failedClusters);
      await tx('irsa_inventory_bindings').whereNot(keep).delete();
      await tx('irsa_inventory_bindings').where(keep).update({ stale: true });
      const kept = new Set(
        (await tx('irsa_inventory_bindings').select('id')).map(
          (r: { id: string }) => r.id,
        ),
      );
      const rows = refresh.bindings.filter(b => !kept.has(b.id)).map(toRow);
      for (let i = 0; i < rows.length; i += 200) {
        await tx('irsa_inventory_bindings').insert(rows.slice(i, i + 200));
      }
      for (const s of refresh.sources) {
        await tx('irsa_inventory_sources')
          .insert(sourceRow(s))
          .onConflict(['kind', 'name'])
          .merge(
            s.stale ? ['stale', 'error'] : ['stale', 'error', 'refreshed_at'],
          );
      }
    });
  }

  async list(query: InventoryQuery) {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new InputError('limit must be a whole number from 1 to 500');
    }
    const q = this.db('irsa_inventory_bindings').select(
      'id',
      'binding',
      'stale',
    );
    if (query.owner === 'none') q.whereNull('owner');
    else if (query.owner) q.where('owner', query.owner);
    if (query.owners)
      q.whereIn('owner', query.owners.length ? query.owners : ['']);
    if (query.cluster) q.where('cluster', query.cluster);
    if (query.namespace) q.where('namespace', query.namespace);
    if (query.severity)
      q.where('severity_rank', '<=', SEVERITY_RANK[query.severity]);
    if (query.code) q.where('codes', 'like', `%,${query.code},%`);
    if (query.cursor) q.where('id', '>', query.cursor);
    const rows = await q.orderBy('id').limit(limit + 1);
    const items: InventoryBinding[] = rows
      .slice(0, limit)
      .map((r: { binding: string; stale: unknown }) => ({
        ...JSON.parse(r.binding),
        stale: Boolean(r.stale),
      }));
    return {
      items,
      nextCursor: rows.length > limit ? rows[limit - 1].id : undefined,
    };
  }

  /**
   * The bindings using these roles, stale ones included: a review names its
   * binding by cluster, namespace, service account and role (see reviewBindingKey).
   */
  async bindingsOfRoles(roleArns: string[]): Promise<InventoryBinding[]> {
    const arns = [...new Set(roleArns)];
    const rows: Array<{ binding: string; stale: unknown }> = [];
    // Chunked: SQLite caps the number of bound parameters in one statement.
    for (let i = 0; i < arns.length; i += 500) {
      rows.push(
        ...(await this.db('irsa_inventory_bindings')
          .select('binding', 'stale')
          .whereIn('role_arn', arns.slice(i, i + 500))),
      );
    }
    return rows.map(r => ({
      ...JSON.parse(r.binding),
      stale: Boolean(r.stale),
    }));
  }

  /**
   * The bindings of the roles tagged `backstage.io/entity-ref` for the entity that no
   * service account used at the last refresh: tag-linked ones, and trust-linked ones
   * whose service account did not exist (the entity came from the tag).
   */
  async unusedRolesTaggedFor(entityRef: string): Promise<InventoryBinding[]> {
    const rows = await this.db('irsa_inventory_bindings')
      .select('binding', 'stale')
      .where('entity_ref', entityRef)
      .whereIn('source', ['tag', 'trust'])
      .orderBy('id');
    return rows
      .map((r: { binding: string; stale: unknown }) => ({
        ...(JSON.parse(r.binding) as InventoryBinding),
        stale: Boolean(r.stale),
      }))
      .filter(b => b.source === 'tag' || b.serviceAccountExists !== true);
  }

  async sources(): Promise<InventorySource[]> {
    const rows = await this.db('irsa_inventory_sources')
      .select('*')
      .orderBy(['kind', 'name']);
    return rows.map((r: any) => ({
      kind: r.kind,
      name: r.name,
      stale: Boolean(r.stale),
      ...(r.refreshed_at
        ? { refreshedAt: new Date(r.refreshed_at).toISOString() }
        : {}),
      ...(r.error ? { error: r.error } : {}),
    }));
  }
}

function toRow(b: InventoryBinding) {
  return {
    id: b.id,
    source: b.source,
    cluster: b.cluster ?? null,
    namespace: b.namespace ?? null,
    service_account: b.serviceAccount ?? null,
    role_arn: b.roleArn ?? null,
    role_account: parseRoleArn(b.roleArn ?? '')?.accountId ?? null,
    entity_ref: b.entityRef ?? null,
    owner: b.owner ?? null,
    severity_rank: b.severity ? SEVERITY_RANK[b.severity] : NO_FINDINGS,
    codes: `,${b.findings.map(f => f.code).join(',')},`,
    binding: JSON.stringify(b),
    stale: false,
    refreshed_at: new Date(b.refreshedAt),
  };
}

function sourceRow(s: InventorySource) {
  return {
    kind: s.kind,
    name: s.name,
    stale: s.stale,
    error: s.error ?? null,
    refreshed_at: s.refreshedAt ? new Date(s.refreshedAt) : null,
  };
}

