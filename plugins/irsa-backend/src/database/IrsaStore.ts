/** Outcome of an audited operation. */
export type AuditResult = 'succeeded' | 'failed' | 'refused' | 'unchanged';

/** One audit record: who did what to which binding, and how it ended. */
export interface AuditEvent {
  id: string;
  createdAt: string;
  actor: string;
  operation: string;
  entityRef?: string;
  cluster?: string;
  namespace?: string;
  serviceAccount?: string;
  roleArn?: string;
  result: AuditResult;
  detail?: Record<string, unknown>;
}

/** Which audit events to list, newest first. */
export interface AuditQuery {
  /** Only this entity's events. */
  entityRef?: string;
  /** Only these entities' events (an owner's view); empty means none. */
  entityRefs?: string[];
  limit?: number;
  cursor?: string;
}

/**
 * One ownership review: a binding of the inventory (cluster, namespace,
 * service account and role, as far as the binding has them) marked reviewed,
 * with the hash of its role as it was then (`roleReviewHash`).
 */
export interface Review {
  id: string;
  createdAt: string;
  reviewer: string;
  /** The binding's owner when reviewed; undefined for an unowned binding. */
  owner?: string;
  entityRef?: string;
  cluster?: string;
  namespace?: string;
  serviceAccount?: string;
  roleArn: string;
  comment: string;
  reviewedHash: string;
}

/** Which reviews to list, newest first. */
export interface ReviewQuery {
  /** An owner ref, or `none` for reviews of unowned bindings. */
  owner?: string;
  /** Only these owners' reviews (an owner's view); empty means none. */
  owners?: string[];
  cluster?: string;
  namespace?: string;
  roleArn?: string;
  limit?: number;
  cursor?: string;
}

/** Page of results with an opaque cursor for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Persistence of the IRSA plugin: audit trail and reviews. */
export interface IrsaStore {
  recordAudit(event: Omit<AuditEvent, 'id' | 'createdAt'>): Promise<AuditEvent>;
  listAudit(options?: AuditQuery): Promise<Page<AuditEvent>>;
  recordReview(review: Omit<Review, 'id' | 'createdAt'>): Promise<Review>;
  listReviews(options?: ReviewQuery): Promise<Page<Review>>;

  /**
   * Claims a service account for one provisioning run: true when this run now holds it,
   * false when another run does. A claim older than `staleAfterMs` (a run that died) is
   * taken over. Atomic across backend replicas (a primary key insert).
   */
  claimServiceAccount(
    ref: { cluster: string; namespace: string; serviceAccount: string },
    holder: string,
    staleAfterMs: number,
  ): Promise<boolean>;
  /** Releases a claim this run holds; a claim held by another run is left alone. */
  releaseServiceAccount(
    ref: { cluster: string; namespace: string; serviceAccount: string },
    holder: string,
  ): Promise<void>;
}
