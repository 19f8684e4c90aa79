import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AnalysisCache,
  createAnalysisCache,
  parsePolicyArn,
  parseRoleArn,
  ROLE_ARN_ANNOTATION,
  SimulateRequest,
  SimulationInputError,
  SimulationPolicyInput,
  SimulationResult,
  simulatePermission,
  validateNamespaceName,
  validateRoleArn,
  validateServiceAccountName,
  validateSimulationInput,
} from '@irsa-backstage/plugin-irsa-common';
import { BindingDiscovery } from './BindingDiscovery';
import { cachedManagedPolicy, cachedRole } from './cachedReads';
import { ClusterConfig } from './config';
import { IamReader } from './IamReader';
import { KubernetesReader } from './KubernetesReader';
import { runAsOneRequest } from './limits';
import { ReadThroughCache } from './ReadThroughCache';

/** A `POST /simulate` request, validated: what to simulate, for which role. */
export interface SimulationTarget {
  /**
   * The service account whose `eks.amazonaws.com/role-arn` annotation names the
   * role; with `roleArn`, the annotation must name that role.
   */
  serviceAccount?: { cluster: ClusterConfig; namespace: string; name: string };
  /** The role, when no service account is named; else what the annotation must name. */
  roleArn?: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/**
 * May a binding's role perform an action on a resource? Reads the role (its
 * managed and inline policies and its permissions boundary) and asks
 * irsa-common's `simulatePermission`.
 */
export interface PermissionSimulation {
  /**
   * The simulation of `target`. With `entity` (a caller who may read that
   * entity's bindings but not the whole estate), the service account, or with
   * `roleArn` alone the role, must be one of the entity's bindings as
   * discovery finds them (else `NotAllowedError`), checked before anything
   * else is read. `NotFoundError` for a service account or role that does not
   * exist or a service account that names no role; `ConflictError` for a
   * malformed annotation or a `roleArn` the annotation does not name.
   */
  simulate(
    target: SimulationTarget,
    options?: { entity?: Entity },
  ): Promise<SimulationResult>;
}

const entityValidator = makeValidator();

/** The entity reference, normalised, or what is wrong with it. */
export function readEntityRef(
  raw: string,
): { entityRef: string } | { problem: string } {
  try {
    const ref = parseEntityRef(raw);
    // The catalog's own rules for kind, namespace and name.
    if (
      entityValidator.isValidKind(ref.kind) &&
      entityValidator.isValidNamespace(ref.namespace) &&
      entityValidator.isValidEntityName(ref.name)
    ) {
      return { entityRef: stringifyEntityRef(ref) };
    }
  } catch {
    // not a reference at all
  }
  return {
    problem: `"${raw}" is not an entity reference (expected kind:namespace/name, e.g. component:default/payments-api)`,
  };
}

/**
 * Checks every field of a `POST /simulate` body before anything is read: a
 * configured cluster, DNS-1123 namespace and service account, the role ARN's
 * shape, the entity reference, and the action, resource and context as the
 * simulator reads them. The binding is named by cluster, namespace and
 * serviceAccount together, or by roleArn (or both).
 *
 * @throws InputError naming every wrong field
 */
export function readSimulateRequest(
  body: SimulateRequest,
  clusters: ClusterConfig[],
): SimulationTarget {
  const problems: string[] = [];
  const problem = (field: string, message: string | undefined) => {
    if (message) problems.push(`${field}: ${message}`);
  };
  const { namespace, serviceAccount, roleArn, action, resource, context } =
    body;

  let cluster: ClusterConfig | undefined;
  const namesServiceAccount = [body.cluster, namespace, serviceAccount].some(
    f => f !== undefined,
  );
  if (namesServiceAccount) {
    const together =
      'is needed to name a service account (cluster, namespace and serviceAccount go together)';
    if (body.cluster === undefined) problem('cluster', together);
    else {
      cluster = clusters.find(c => c.name === body.cluster);
      if (!cluster)
        problem('cluster', `no cluster "${body.cluster}" is configured`);
    }
    if (namespace === undefined) problem('namespace', together);
    else problem('namespace', validateNamespaceName(namespace));
    if (serviceAccount === undefined) problem('serviceAccount', together);
    else problem('serviceAccount', validateServiceAccountName(serviceAccount));
  } else if (roleArn === undefined) {
    problem(
      'serviceAccount',
      'name the binding by cluster, namespace and serviceAccount, or the role by roleArn',
    );
  }
  if (roleArn !== undefined) problem('roleArn', validateRoleArn(roleArn));

  // Used for authorization (see the router); checked here with the rest.
  if (body.entityRef !== undefined) {
    const read = readEntityRef(body.entityRef);
    if ('problem' in read) problem('entityRef', read.problem);
  }

  // The request's fields as the simulator checks them (field paths: action,
  // resource, context["key"]); the role's policies come later.
  for (const p of validateSimulationInput({
    action,
    resource,
    context,
    identityPolicies: [],
  })) {
    problem(p.field, p.message);
  }

  if (problems.length > 0) {
    throw new InputError(problems.join('; '));
  }
  return {
    ...(namesServiceAccount
      ? {
          serviceAccount: {
            cluster: cluster!,
            namespace: namespace!,
            name: serviceAccount!,
          },
        }
      : {}),
    ...(roleArn !== undefined ? { roleArn } : {}),
    action,
    resource,
    ...(context ? { context } : {}),
  };
}

/**
 * The {@link PermissionSimulation} of the plugin: the service account through
 * a {@link KubernetesReader}, the role and its permissions boundary through an
 * {@link IamReader}, cached like discovery's reads (the role under the same
 * key, so a role the entity tab just read is not read again). One simulation
 * is one request (`runAsOneRequest`): its AWS calls share irsa.timeouts.awsMs
 * and the per-request concurrency cap.
 */
export class IamPermissionSimulation implements PermissionSimulation {
  private readonly cache: ReadThroughCache;
  private readonly analysisCache: AnalysisCache = createAnalysisCache();

  constructor(
    private readonly discovery: BindingDiscovery,
    private readonly kube: KubernetesReader,
    private readonly iam: IamReader,
    cache: CacheService,
    logger: LoggerService,
  ) {
    this.cache = new ReadThroughCache(cache, logger);
  }

  simulate(
    target: SimulationTarget,
    options: { entity?: Entity } = {},
  ): Promise<SimulationResult> {
    return runAsOneRequest(async () => {
      if (options.entity) {
        await this.checkBelongsTo(target, options.entity);
      }
      const roleArn = await this.roleArnOf(target);
      const { accountId, roleName } = parseRoleArn(roleArn)!;
      const role = await cachedRole(this.cache, this.iam, {
        arn: roleArn,
        accountId,
        roleName,
      });
      if (!role) {
        throw new NotFoundError(`No IAM role ${roleArn}`);
      }
      const identityPolicies: SimulationPolicyInput[] = [
        ...role.attachedPolicies.map(p => {
          if (p.document === undefined) {
            throw new Error(
              `Could not read the default version of policy ${p.arn} attached to ${role.arn}`,
            );
          }
          return {
            kind: 'managed' as const,
            arn: p.arn,
            ...(p.name ? { name: p.name } : {}),
            document: p.document,
          };
        }),
        ...role.inlinePolicies.map(p => ({
          kind: 'inline' as const,
          name: p.name,
          document: p.document,
        })),
      ];
      const boundary = await this.boundaryOf(
        role.arn,
        accountId,
        role.permissionsBoundaryArn,
      );
      try {
        const result = simulatePermission({
          action: target.action,
          resource: target.resource,
          context: target.context,
          identityPolicies,
          permissionsBoundary: boundary,
          cache: this.analysisCache,
        });
        return { roleArn: role.arn, ...result };
      } catch (e) {
        // The request was checked before: what is left is the role's own policies.
        if (e instanceof SimulationInputError) {
          throw new Error(
            `The policies of ${role.arn} cannot be simulated: ${policyProblems(
              e,
              identityPolicies,
              boundary,
            )}`,
          );
        }
        throw e;
      }
    });
  }

  /** Throws NotAllowedError unless the binding (or the role) is one of the entity's. */
  private async checkBelongsTo(
    target: SimulationTarget,
    entity: Entity,
  ): Promise<void> {
    const entityRef = stringifyEntityRef(entity);
    const { bindings, errors } = await this.discovery.entityBindings(entity);
    const sa = target.serviceAccount;
    const belongs = sa
      ? bindings.some(
          b =>
            b.serviceAccount.cluster === sa.cluster.name &&
            b.serviceAccount.namespace === sa.namespace &&
            b.serviceAccount.name === sa.name,
        )
      : bindings.some(b => b.roleArn === target.roleArn);
    if (!belongs) {
      const what = sa
        ? `service account ${sa.cluster.name}/${sa.namespace}/${sa.name} is`
        : `role ${target.roleArn} is used by`;
      const unasked = errors.length
        ? ` (not every cluster could be asked: ${errors
            .map(e => e.cluster)
            .join(', ')})`
        : '';
      throw new NotAllowedError(
        `You may simulate the bindings of ${entityRef} only, and no ${what} one of them${unasked}`,
      );
    }
  }

  /** The role to simulate: the request's, or the one the service account's annotation names. */
  private async roleArnOf(target: SimulationTarget): Promise<string> {
    const sa = target.serviceAccount;
    if (!sa) return target.roleArn!;
    const where = `${sa.cluster.name}/${sa.namespace}/${sa.name}`;
    const found = await this.kube.readServiceAccount(sa.cluster, {
      namespace: sa.namespace,
      name: sa.name,
    });
    if (!found) {
      throw new NotFoundError(`No service account ${where}`);
    }
    const annotated = found.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
    if (annotated === undefined) {
      throw new NotFoundError(
        `Service account ${where} names no IAM role (it has no ${ROLE_ARN_ANNOTATION} annotation)`,
      );
    }
    if (!parseRoleArn(annotated)) {
      throw new ConflictError(
        `The ${ROLE_ARN_ANNOTATION} annotation of ${where} is not an IAM role ARN: "${annotated}"`,
      );
    }
    if (target.roleArn !== undefined && target.roleArn !== annotated) {
      throw new ConflictError(
        `roleArn "${target.roleArn}" is not the role the ${ROLE_ARN_ANNOTATION} annotation of ${where} names ("${annotated}")`,
      );
    }
    return annotated;
  }

  /** The permissions boundary's document, if the role has one. */
  private async boundaryOf(
    roleArn: string,
    accountId: string,
    boundaryArn: string | undefined,
  ) {
    if (!boundaryArn) return undefined;
    const policy = parsePolicyArn(boundaryArn)
      ? await cachedManagedPolicy(this.cache, this.iam, {
          arn: boundaryArn,
          accountId,
        })
      : undefined;
    if (policy?.document === undefined) {
      throw new Error(
        `Could not read the permissions boundary ${boundaryArn} of ${roleArn}`,
      );
    }
    return {
      arn: boundaryArn,
      ...(policy.name ? { name: policy.name } : {}),
      document: policy.document,
    };
  }
}

/** The simulator's problems with the role's policies, named by policy rather than by index. */
function policyProblems(
  error: SimulationInputError,
  identityPolicies: SimulationPolicyInput[],
  boundary: { arn: string } | undefined,
): string {
  return error.problems
    .map(({ field, message }) => {
      const index = /^identityPolicies\[(\d+)\]/.exec(field)?.[1];
      const policy = index === undefined ? undefined : identityPolicies[+index];
      if (policy) {
        return `${policy.kind} policy ${policy.arn ?? policy.name}: ${message}`;
      }
      if (field.startsWith('permissionsBoundary')) {
        return `permissions boundary ${boundary?.arn}: ${message}`;
      }
      return `${field}: ${message}`;
    })
    .join('; ');
}
