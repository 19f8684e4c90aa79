import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  AuditEvent,
  AuditQuery,
  IrsaStore,
  Page,
  Review,
  ReviewQuery,
  AuditResult,
} from './IrsaStore';

const migrationsDir = resolvePackagePath(
  '@irsa-backstage/plugin-irsa-backend',
  'migrations',
);

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

type AuditRow = {
  id: number | string;
  created_at: Date | string;
  actor: string;
  operation: string;
  entity_ref: string | null;
  cluster: string | null;
  namespace: string | null;
  service_account: string | null;
  role_arn: string | null;
  result: string;
  detail: string | null;
};

type ReviewRow = {
  id: number | string;
  created_at: Date | string;
  reviewer: string;
  owner: string | null;
  entity_ref: string | null;
  cluster: string | null;
  namespace: string | null;
  service_account: string | null;
  role_arn: string;
  comment: string | null;
  reviewed_hash: string;
};

/** SQLite returns `YYYY-MM-DD HH:MM:SS` (UTC) strings, PostgreSQL returns Dates. */
function toIsoTimestamp(value: Date | string): string {
  if (value instanceof Date) {
    return value.toISOString();
  }
  const normalized = value.includes('T')
    ? value
    : `${value.replace(' ', 'T')}Z`;
  return new Date(normalized).toISOString();
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError('limit must be a positive integer');
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

/** Cursors are the id of the last item seen; pages go newest first. */
function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,18}$/.test(cursor)) {
    throw new InputError('cursor is not a cursor this API returned');
  }
  return Number(cursor);
}

function orUndefined<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

async function pageOf<Row extends { id: number | string }, T>(
  query: Knex.QueryBuilder,
  options: { limit?: number; cursor?: string },
  map: (row: Row) => T,
): Promise<Page<T>> {
  const limit = pageSize(options.limit);
  const after = parseCursor(options.cursor);
  if (after !== undefined) {
    query.where('id', '<', after);
  }
  const rows: Row[] = await query.orderBy('id', 'desc').limit(limit + 1);
  const items = rows.slice(0, limit).map(map);
  return {
    items,
    nextCursor: rows.length > limit ? String(rows[limit - 1].id) : undefined,
  };
}

/**
 * {@link IrsaStore} on Backstage's database service: SQLite locally,
 * PostgreSQL in production and CI.
 */
export class DatabaseIrsaStore implements IrsaStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseIrsaStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseIrsaStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async recordAudit(
    event: Omit<AuditEvent, 'id' | 'createdAt'>,
  ): Promise<AuditEvent> {
    const [row] = await this.db<AuditRow>('irsa_audit_events')
      .insert({
        actor: event.actor,
        operation: event.operation,
        entity_ref: event.entityRef ?? null,
        cluster: event.cluster ?? null,
        namespace: event.namespace ?? null,
        service_account: event.serviceAccount ?? null,
        role_arn: event.roleArn ?? null,
        result: event.result,
        detail:
          event.detail === undefined ? null : JSON.stringify(event.detail),
      })
      .returning('*');
    return DatabaseIrsaStore.toAuditEvent(row);
  }

  async listAudit(options: AuditQuery = {}): Promise<Page<AuditEvent>> {
    const query = this.db<AuditRow>('irsa_audit_events').select('*');
    if (options.entityRef) {
      query.where('entity_ref', options.entityRef);
    }
    if (options.entityRefs) {
      // Chunked: SQLite caps the number of bound parameters in one statement.
      const refs = options.entityRefs;
      query.where(inner => {
        inner.whereRaw('1 = 0');
        for (let i = 0; i < refs.length; i += 500) {
          inner.orWhereIn('entity_ref', refs.slice(i, i + 500));
        }
      });
    }
    return pageOf(query, options, DatabaseIrsaStore.toAuditEvent);
  }

  async recordReview(
    review: Omit<Review, 'id' | 'createdAt'>,
  ): Promise<Review> {
    const [row] = await this.db<ReviewRow>('irsa_reviews')
      .insert({
        reviewer: review.reviewer,
        owner: review.owner ?? null,
        entity_ref: review.entityRef ?? null,
        cluster: review.cluster ?? null,
        namespace: review.namespace ?? null,
        service_account: review.serviceAccount ?? null,
        role_arn: review.roleArn,
        // The column predates the review page, whose reviews are one kind: reviewed.
        decision: 'approved',
        comment: review.comment,
        reviewed_hash: review.reviewedHash,
      } as Partial<ReviewRow>)
      .returning('*');
    return DatabaseIrsaStore.toReview(row);
  }

  async listReviews(options: ReviewQuery = {}): Promise<Page<Review>> {
    const query = this.db<ReviewRow>('irsa_reviews').select('*');
    if (options.owner === 'none') query.whereNull('owner');
    else if (options.owner) query.where('owner', options.owner);
    if (options.owners) {
      query.whereIn('owner', options.owners.length ? options.owners : ['']);
    }
    if (options.cluster) query.where('cluster', options.cluster);
    if (options.namespace) query.where('namespace', options.namespace);
    if (options.roleArn) query.where('role_arn', options.roleArn);
    return pageOf(query, options, DatabaseIrsaStore.toReview);
  }

  private static toAuditEvent(row: AuditRow): AuditEvent {
    return {
      id: String(row.id),
      createdAt: toIsoTimestamp(row.created_at),
      actor: row.actor,
      operation: row.operation,
      entityRef: orUndefined(row.entity_ref),
      cluster: orUndefined(row.cluster),
      namespace: orUndefined(row.namespace),
      serviceAccount: orUndefined(row.service_account),
      roleArn: orUndefined(row.role_arn),
      result: row.result as AuditResult,
      detail: row.detail === null ? undefined : JSON.parse(row.detail),
    };
  }

  async claimServiceAccount(
    ref: { cluster: string; namespace: string; serviceAccount: string },
    holder: string,
    staleAfterMs: number,
  ): Promise<boolean> {
    const key = {
      cluster: ref.cluster,
      namespace: ref.namespace,
      service_account: ref.serviceAccount,
    };
    const staleBefore = new Date(Date.now() - staleAfterMs);
    return this.db.transaction(async tx => {
      // A dead run's claim; compared in the database's own clock type.
      await tx('irsa_provision_claims')
        .where(key)
        .where('claimed_at', '<', staleBefore)
        .delete();
      const inserted = await tx('irsa_provision_claims')
        .insert({ ...key, holder, claimed_at: new Date() })
        .onConflict(['cluster', 'namespace', 'service_account'])
        .ignore()
        .returning('holder');
      return inserted.length === 1;
    });
  }

  async releaseServiceAccount(
    ref: { cluster: string; namespace: string; serviceAccount: string },
    holder: string,
  ): Promise<void> {
    await this.db('irsa_provision_claims')
      .where({
        cluster: ref.cluster,
        namespace: ref.namespace,
        service_account: ref.serviceAccount,
        holder,
      })
      .delete();
  }

  private static toReview(row: ReviewRow): Review {
    return {
      id: String(row.id),
      createdAt: toIsoTimestamp(row.created_at),
      reviewer: row.reviewer,
      owner: orUndefined(row.owner),
      entityRef: orUndefined(row.entity_ref),
      cluster: orUndefined(row.cluster),
      namespace: orUndefined(row.namespace),
      serviceAccount: orUndefined(row.service_account),
      roleArn: row.role_arn,
      comment: row.comment ?? '',
      reviewedHash: row.reviewed_hash,
    };
  }
}
