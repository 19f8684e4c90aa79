import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  InventoryBinding,
  irsaReviewCreatePermission,
  reviewBindingKey,
  Review as ApiReview,
  ReviewPage,
  ReviewRequest,
  validateNamespaceName,
  validateRoleArn,
  validateServiceAccountName,
} from '@irsa-backstage/plugin-irsa-common';
import { IrsaStore, Review, ReviewQuery } from '../database/IrsaStore';
import { InventoryStore } from '../inventory/InventoryStore';
import { readableOwners } from '../inventory/readableOwners';

/** The longest comment a review keeps. */
export const MAX_REVIEW_COMMENT_LENGTH = 1000;

/** Which reviews to list, as `GET /reviews` takes them. */
export type ReviewListQuery = Omit<ReviewQuery, 'owners' | 'roleArn'>;

/** Ownership reviews of the inventory's bindings (`POST` and `GET /reviews`). */
export interface ReviewService {
  /** Marks a binding reviewed by the signed-in user. */
  create(
    request: ReviewRequest,
    credentials: BackstageCredentials,
  ): Promise<ApiReview>;
  /** Reviews, newest first, each stale when its role changed since. */
  list(
    query: ReviewListQuery,
    credentials: BackstageCredentials,
  ): Promise<ReviewPage>;
}

/**
 * Reviews in the plugin database, checked against the inventory: a review
 * keeps the binding's `roleHash` as reviewed, and is stale once the
 * inventory's hash for that binding differs (or the binding is gone).
 */
export class InventoryReviewService implements ReviewService {
  constructor(
    private readonly deps: {
      store: Pick<IrsaStore, 'recordReview' | 'listReviews'>;
      inventory: Pick<InventoryStore, 'bindingsOfRoles'>;
      permissions: PermissionsService;
      auth: AuthService;
      userInfo: UserInfoService;
    },
  ) {}

  async create(
    request: ReviewRequest,
    credentials: BackstageCredentials,
  ): Promise<ApiReview> {
    const problems = reviewRequestProblems(request);
    if (problems.length > 0) throw new InputError(problems.join('; '));
    if (!this.deps.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('Only a signed-in user may review bindings');
    }
    const binding = await this.findBinding(request);
    // Authorized before the binding's existence is told: a missing binding
    // and one the caller may not review answer alike to a non-reviewer.
    if (!(await this.mayReview(binding?.entityRef, credentials))) {
      throw new NotAllowedError(
        `You may not review IRSA bindings${
          binding?.entityRef ? ` of ${binding.entityRef}` : ' without an owner'
        } (irsa.review.create)`,
      );
    }
    if (!binding) {
      throw new NotFoundError(
        `The IRSA inventory has no binding ${describeBinding(request)}`,
      );
    }
    const review = await this.deps.store.recordReview({
      reviewer: credentials.principal.userEntityRef,
      owner: binding.owner,
      entityRef: binding.entityRef,
      cluster: binding.cluster,
      namespace: binding.namespace,
      serviceAccount: binding.serviceAccount,
      roleArn: binding.roleArn!,
      comment: request.comment.trim(),
      reviewedHash: binding.roleHash ?? '',
    });
    return withStaleness(review, binding);
  }

  async list(
    query: ReviewListQuery,
    credentials: BackstageCredentials,
  ): Promise<ReviewPage> {
    const owners = await readableOwners(
      this.deps,
      credentials,
      'You may not read IRSA reviews',
    );
    const page = await this.deps.store.listReviews({ ...query, owners });
    const current = new Map(
      (
        await this.deps.inventory.bindingsOfRoles(
          page.items.map(r => r.roleArn),
        )
      ).map(b => [reviewBindingKey(b), b] as const),
    );
    return {
      items: page.items.map(r =>
        withStaleness(r, current.get(reviewBindingKey(r))),
      ),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  private async findBinding(
    request: ReviewRequest,
  ): Promise<InventoryBinding | undefined> {
    const key = reviewBindingKey(request);
    const matches = (
      await this.deps.inventory.bindingsOfRoles([request.roleArn])
    ).filter(b => reviewBindingKey(b) === key);
    return matches.find(b => !b.stale) ?? matches[0];
  }

  /**
   * irsa.review.create on the binding's entity; a binding of no entity has
   * no owner to ask about, so only an unconditional grant lets one in.
   */
  private async mayReview(
    entityRef: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<boolean> {
    if (entityRef) {
      const [decision] = await this.deps.permissions.authorize(
        [{ permission: irsaReviewCreatePermission, resourceRef: entityRef }],
        { credentials },
      );
      return decision.result === AuthorizeResult.ALLOW;
    }
    const [decision] = await this.deps.permissions.authorizeConditional(
      [{ permission: irsaReviewCreatePermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}

/** Every wrong field of a review request, each named. */
export function reviewRequestProblems(request: ReviewRequest): string[] {
  const { cluster, namespace, serviceAccount, roleArn, comment } = request;
  const trimmed = typeof comment === 'string' ? comment.trim() : '';
  return [
    cluster === undefined
      ? undefined
      : prefixed('cluster', validateClusterName(cluster)),
    namespace === undefined
      ? undefined
      : prefixed('namespace', validateNamespaceName(namespace)),
    serviceAccount === undefined
      ? undefined
      : prefixed('serviceAccount', validateServiceAccountName(serviceAccount)),
    namespace !== undefined && cluster === undefined
      ? 'namespace: needs cluster'
      : undefined,
    serviceAccount !== undefined && namespace === undefined
      ? 'serviceAccount: needs namespace'
      : undefined,
    prefixed('roleArn', validateRoleArn(roleArn)),
    trimmed.length === 0 ? 'comment: must not be empty' : undefined,
    trimmed.length > MAX_REVIEW_COMMENT_LENGTH
      ? `comment: at most ${MAX_REVIEW_COMMENT_LENGTH} characters`
      : undefined,
  ].filter((p): p is string => p !== undefined);
}

function withStaleness(
  review: Review,
  current: InventoryBinding | undefined,
): ApiReview {
  // A role that is gone (or was never read) has no hash: '' as reviewed.
  const currentHash = current?.roleHash;
  return {
    id: review.id,
    createdAt: review.createdAt,
    reviewer: review.reviewer,
    comment: review.comment,
    ...defined({
      cluster: review.cluster,
      namespace: review.namespace,
      serviceAccount: review.serviceAccount,
    }),
    roleArn: review.roleArn,
    ...defined({ entityRef: review.entityRef, owner: review.owner }),
    reviewedHash: review.reviewedHash,
    ...(currentHash !== undefined ? { currentHash } : {}),
    stale: !current || (currentHash ?? '') !== review.reviewedHash,
  };
}

function defined(fields: Record<string, string | undefined>) {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  );
}

function describeBinding(request: ReviewRequest): string {
  const sa = [request.cluster, request.namespace, request.serviceAccount]
    .filter(Boolean)
    .join('/');
  return sa ? `${sa} → ${request.roleArn}` : request.roleArn;
}

/** Cluster names come from config, whatever their shape; only bounded here. */
function validateClusterName(cluster: string): string | undefined {
  if (cluster.length === 0) return 'must not be empty';
  return cluster.length > 255 ? 'must be at most 255 characters' : undefined;
}

function prefixed(field: string, problem: string | undefined) {
  return problem && `${field}: ${problem}`;
}
