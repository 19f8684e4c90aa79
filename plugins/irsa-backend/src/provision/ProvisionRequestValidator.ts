import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  analyzePermissions,
  DEFAULT_AUDIENCE,
  deriveRoleName,
  matchesWildcard,
  parsePolicyArn,
  parsePolicyDocument,
  PolicyDocument,
  PolicyParseError,
  policySize,
  PolicyStatement,
  ROLE_INLINE_POLICIES_SIZE_QUOTA,
  validateIamRoleName,
  validateNamespaceName,
  validatePolicyArn,
  validateServiceAccountName,
} from '@irsa-backstage/plugin-irsa-common';
import { ProvisionRequest } from '../schema/openapi/generated/models';
import { ClusterConfig } from '../service/config';
import { ENTITY_REF_TAG } from '../service/entityLinks';
import { ProvisioningSettings } from './provisioningConfig';

/** Most managed policies IAM attaches to one role (the default quota). */
export const MAX_MANAGED_POLICIES = 10;
/** Most tags IAM allows on one role. */
export const MAX_TAGS = 50;
/** Name of the inline policy provisioning writes. */
export const INLINE_POLICY_NAME = 'irsa-backstage';

/** The tags provisioning sets itself; a request may not set them. */
export const MANAGED_BY_TAG = 'managed-by';
export const MANAGED_BY_VALUE = 'irsa-backstage';
export { ENTITY_REF_TAG };
export const CLUSTER_TAG = 'irsa.backstage.io/cluster';
export const SERVICE_ACCOUNT_TAG = 'irsa.backstage.io/service-account';
const RESERVED_TAGS = [
  MANAGED_BY_TAG,
  ENTITY_REF_TAG,
  CLUSTER_TAG,
  SERVICE_ACCOUNT_TAG,
];

/** Characters IAM allows in tag keys and values. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** A request that passed every check, with its defaults filled in. */
export interface ValidatedProvisionRequest {
  /** Normalised `kind:namespace/name`. */
  entityRef: string;
  cluster: ClusterConfig;
  namespace: string;
  serviceAccount: string;
  roleName: string;
  rolePath: string;
  /** `arn:<partition>:iam::<cluster account>:role<path><name>`. */
  roleArn: string;
  managedPolicyArns: string[];
  /** Parsed; undefined when the request has none. */
  inlinePolicy?: PolicyDocument;
  permissionsBoundaryArn?: string;
  audience: string;
  /** Every tag the role gets: provisioning's own, the configured extra tags and the request's. */
  tags: Record<string, string>;
  createNamespace: boolean;
  overrideExistingServiceAccount: boolean;
  adoptExistingRole: boolean;
  exclusive: boolean;
}

const entityValidator = makeValidator();

/**
 * Checks a provisioning request against IAM's and Kubernetes' rules and the
 * configured guardrails, without reading or writing anything. Pure.
 */
export class ProvisionRequestValidator {
  constructor(
    private readonly clusters: ClusterConfig[],
    private readonly settings: ProvisioningSettings,
  ) {}

  /**
   * The checked request; throws InputError naming every field that is wrong
   * (`field: problem`, joined by `; `).
   */
  validate(request: ProvisionRequest): ValidatedProvisionRequest {
    const problems: string[] = [];
    const problem = (field: string, message: string | undefined) => {
      if (message) problems.push(`${field}: ${message}`);
    };
    const g = this.settings.guardrails;

    // The entity.
    let entityRef = '';
    try {
      const ref = parseEntityRef(request.entityRef);
      if (
        !entityValidator.isValidKind(ref.kind) ||
        !entityValidator.isValidNamespace(ref.namespace) ||
        !entityValidator.isValidEntityName(ref.name)
      ) {
        throw new Error('invalid');
      }
      entityRef = stringifyEntityRef(ref);
    } catch {
      problem(
        'entityRef',
        `"${request.entityRef}" is not an entity reference (expected kind:namespace/name, e.g. component:default/payments-api)`,
      );
    }

    // Where.
    const cluster = this.clusters.find(c => c.name === request.cluster);
    if (!cluster)
      problem('cluster', `no cluster "${request.cluster}" is configured`);
    problem('namespace', validateNamespaceName(request.namespace));
    problem(
      'serviceAccount',
      validateServiceAccountName(request.serviceAccount),
    );

    // The role.
    let roleName = request.roleName;
    if (roleName === undefined) {
      roleName = deriveRoleName({
        cluster: request.cluster,
        namespace: request.namespace,
        serviceAccount: request.serviceAccount,
        prefix: g.roleNamePrefix,
      });
    } else if (validateIamRoleName(roleName)) {
      problem('roleName', validateIamRoleName(roleName));
    } else if (!roleName.startsWith(g.roleNamePrefix)) {
      problem(
        'roleName',
        `"${roleName}" must start with "${g.roleNamePrefix}" (irsa.provisioning.guardrails.roleNamePrefix)`,
      );
    }

    // Managed policies.
    const managedPolicyArns = request.managedPolicyArns ?? [];
    if (managedPolicyArns.length > MAX_MANAGED_POLICIES) {
      problem(
        'managedPolicyArns',
        `at most ${MAX_MANAGED_POLICIES} managed policies may be attached to a role (${managedPolicyArns.length} requested)`,
      );
    }
    managedPolicyArns.forEach((arn, index) => {
      const field = `managedPolicyArns[${index}]`;
      const parts = parsePolicyArn(arn);
      if (!parts) {
        problem(field, validatePolicyArn(arn));
        return;
      }
      if (managedPolicyArns.indexOf(arn) !== index) {
        problem(field, `"${arn}" is named twice`);
      } else if (
        cluster &&
        !parts.awsManaged &&
        parts.accountId !== cluster.accountId
      ) {
        problem(
          field,
          `"${arn}" is a policy of account ${parts.accountId}; a role in ${cluster.accountId} can only use AWS managed policies and its own account's`,
        );
      } else if (g.deniedManagedPolicyArns.some(p => matchesWildcard(p, arn))) {
        problem(
          field,
          `"${arn}" is denied by irsa.provisioning.guardrails.deniedManagedPolicyArns`,
        );
      } else if (
        g.allowedManagedPolicyArns &&
        !g.allowedManagedPolicyArns.some(p => matchesWildcard(p, arn))
      ) {
        problem(
          field,
          `"${arn}" is not in irsa.provisioning.guardrails.allowedManagedPolicyArns`,
        );
      }
    });

    // The inline policy.
    let inlinePolicy: PolicyDocument | undefined;
    if (request.inlinePolicy !== undefined) {
      inlinePolicy = this.checkInlinePolicy(request.inlinePolicy, problem);
    }

    // Risky policies, as the permission analysis rates them (AdministratorAccess by its ARN;
    // the documents of managed policies are not read here: nothing is read before the checks).
    if (!g.allowRiskyPolicies && inlinePolicy) {
      const analysis = analyzePermissions({
        policies: [{ name: INLINE_POLICY_NAME, document: inlinePolicy }],
      });
      for (const finding of analysis.findings) {
        if (finding.severity === 'critical' || finding.severity === 'high') {
          const at =
            finding.statementIndex === undefined
              ? ''
              : `.Statement[${finding.statementIndex}]`;
          problem(
            `inlinePolicy${at}`,
            `${finding.code} (${finding.severity}): ${finding.message} Refused unless irsa.provisioning.guardrails.allowRiskyPolicies is true`,
          );
        }
      }
    }
    if (!g.allowRiskyPolicies) {
      managedPolicyArns.forEach((arn, index) => {
        if (
          /^arn:aws[\w-]*:iam::aws:policy\/(.*\/)?AdministratorAccess$/.test(
            arn,
          )
        ) {
          problem(
            `managedPolicyArns[${index}]`,
            `"${arn}" grants every action on every resource (PERM_ADMIN, critical). Refused unless irsa.provisioning.guardrails.allowRiskyPolicies is true`,
          );
        }
      });
    }

    // The permissions boundary.
    let permissionsBoundaryArn = request.permissionsBoundaryArn;
    if (permissionsBoundaryArn !== undefined) {
      problem(
        'permissionsBoundaryArn',
        validatePolicyArn(permissionsBoundaryArn),
      );
    }
    if (g.requiredPermissionsBoundaryArn) {
      if (
        permissionsBoundaryArn !== undefined &&
        permissionsBoundaryArn !== g.requiredPermissionsBoundaryArn
      ) {
        problem(
          'permissionsBoundaryArn',
          `must be "${g.requiredPermissionsBoundaryArn}" (irsa.provisioning.guardrails.requiredPermissionsBoundaryArn) or absent`,
        );
      }
      permissionsBoundaryArn = g.requiredPermissionsBoundaryArn;
    }

    // The audience.
    const audience = request.audience ?? DEFAULT_AUDIENCE;
    if (
      audience.length === 0 ||
      audience.length > 255 ||
      /[\s*?]/.test(audience)
    ) {
      problem(
        'audience',
        `"${audience}" must be 1 to 255 characters without spaces or wildcards`,
      );
    }

    // Tags.
    const requestTags = request.tags ?? {};
    for (const [key, value] of Object.entries(requestTags)) {
      const field = `tags["${key}"]`;
      if (RESERVED_TAGS.includes(key)) {
        problem(field, `"${key}" is set by provisioning itself`);
      } else if (key in g.extraTags) {
        problem(
          field,
          `"${key}" is set by irsa.provisioning.guardrails.extraTags`,
        );
      } else {
        problem(field, tagProblem(key, value));
      }
    }
    const tags: Record<string, string> = {
      ...requestTags,
      ...g.extraTags,
      [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
      [ENTITY_REF_TAG]: entityRef,
      [CLUSTER_TAG]: request.cluster,
      [SERVICE_ACCOUNT_TAG]: `${request.namespace}/${request.serviceAccount}`,
    };
    if (Object.keys(tags).length > MAX_TAGS) {
      problem(
        'tags',
        `a role has at most ${MAX_TAGS} tags; with provisioning's ${
          RESERVED_TAGS.length
        } and the ${
          Object.keys(g.extraTags).length
        } configured ones this request makes ${Object.keys(tags).length}`,
      );
    }
    for (const key of [ENTITY_REF_TAG, CLUSTER_TAG, SERVICE_ACCOUNT_TAG]) {
      if (problems.length === 0)
        problem(`tags["${key}"]`, tagProblem(key, tags[key]));
    }

    if (problems.length > 0) {
      throw new InputError(problems.join('; '));
    }
    const partition = 'aws';
    return {
      entityRef,
      cluster: cluster!,
      namespace: request.namespace,
      serviceAccount: request.serviceAccount,
      roleName: roleName!,
      rolePath: g.rolePath,
      roleArn: `arn:${partition}:iam::${cluster!.accountId}:role${
        g.rolePath
      }${roleName}`,
      managedPolicyArns,
      inlinePolicy,
      permissionsBoundaryArn,
      audience,
      tags,
      createNamespace: request.createNamespace ?? false,
      overrideExistingServiceAccount:
        request.overrideExistingServiceAccount ?? false,
      adoptExistingRole: request.adoptExistingRole ?? false,
      exclusive: request.exclusive ?? false,
    };
  }

  private checkInlinePolicy(
    input: PolicyDocument | string,
    problem: (field: string, message: string | undefined) => void,
  ): PolicyDocument | undefined {
    let document: PolicyDocument & { Statement: PolicyStatement[] };
    try {
      if (typeof input === 'string' && !input.trim().startsWith('{')) {
        throw new PolicyParseError([
          'must be a JSON object (a policy document)',
        ]);
      }
      document = parsePolicyDocument(input, 'permission');
    } catch (e) {
      problem(
        'inlinePolicy',
        e instanceof PolicyParseError ? e.problems.join('; ') : String(e),
      );
      return undefined;
    }
    const size = policySize(input);
    if (size > ROLE_INLINE_POLICIES_SIZE_QUOTA) {
      problem(
        'inlinePolicy',
        `is ${size} characters without whitespace; IAM allows ${ROLE_INLINE_POLICIES_SIZE_QUOTA} for a role's inline policies`,
      );
    }
    const forbidden = this.settings.guardrails.forbiddenActions;
    document.Statement.forEach((statement, index) => {
      if (statement.Effect !== 'Allow') return;
      const field = `inlinePolicy.Statement[${index}]`;
      if (statement.Action !== undefined) {
        for (const action of strings(statement.Action)) {
          const hit = forbidden.find(f => matchesWildcard(action, f, true));
          if (hit) {
            problem(
              `${field}.Action`,
              `"${action}" is forbidden by irsa.provisioning.guardrails.forbiddenActions${
                hit === action.toLowerCase() ? '' : ` (it grants "${hit}")`
              }`,
            );
          }
        }
      }
      if (statement.NotAction !== undefined) {
        const excluded = strings(statement.NotAction);
        const hit = forbidden.find(
          f => !excluded.some(a => matchesWildcard(a, f, true)),
        );
        if (hit) {
          problem(
            `${field}.NotAction`,
            `grants "${hit}", which irsa.provisioning.guardrails.forbiddenActions forbids`,
          );
        }
      }
    });
    return document;
  }
}

function strings(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function tagProblem(key: string, value: string): string | undefined {
  if (key.length < 1 || key.length > 128) {
    return `tag key must be 1 to 128 characters (it has ${key.length})`;
  }
  if (/^aws:/i.test(key))
    return 'tag keys starting with "aws:" are reserved by AWS';
  if (!TAG_CHARS.test(key)) {
    return 'tag key may only contain letters, digits, spaces and _ . : / = + - @';
  }
  if (typeof value !== 'string' || value.length > 256) {
    return `tag value must be at most 256 characters`;
  }
  if (!TAG_CHARS.test(value)) {
    return 'tag value may only contain letters, digits, spaces and _ . : / = + - @';
  }
  return undefined;
}
