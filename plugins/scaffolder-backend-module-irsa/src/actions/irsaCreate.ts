import { ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type { IrsaService } from '@irsa-backstage/plugin-irsa-node';
import type {
  ProvisionRequest,
  ProvisionResult,
} from '@irsa-backstage/plugin-irsa-common';
import { createHash } from 'node:crypto';
import { examples } from './irsaCreate.examples';

/**
 * Creates the `aws:irsa:create` action: an IAM role whose trust policy lets
 * exactly one Kubernetes service account assume it, and that service account
 * annotated with the role. The action holds no provisioning logic: it sends
 * the request to the IRSA backend (`POST /provision/apply`, or
 * `/provision/plan` in a dry run) with the credentials of the user who runs
 * the template, so the backend validates, authorizes (`irsa.binding.create`
 * on the entity), undoes a failed run and audits, for that user.
 *
 * @public
 */
export function createIrsaCreateAction(options: { irsa: IrsaService }) {
  const { irsa } = options;
  return createTemplateAction({
    id: 'aws:irsa:create',
    description:
      'Creates (or brings up to date) an IAM role for a Kubernetes service account (IRSA): a trust policy with StringEquals on sub and aud, the requested policies, and the service account annotated with the role, as the user who runs the template. A dry run returns the plan and changes nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'Catalog entity the role is for; you must own it. Example: component:default/payments-api',
            ),
        cluster: z =>
          z
            .string()
            .describe('A cluster configured for IRSA. Example: demo-east'),
        namespace: z =>
          z
            .string()
            .describe(
              "Kubernetes namespace of the service account; the entity's backstage.io/kubernetes-namespace when it declares one. Example: payments",
            ),
        serviceAccount: z =>
          z
            .string()
            .describe(
              'Name of the Kubernetes service account. Example: payments-reporter',
            ),
        roleName: z =>
          z
            .string()
            .describe(
              'IAM role name (at most 64 characters); derived from cluster, namespace and service account when absent',
            )
            .optional(),
        managedPolicyArns: z =>
          z
            .array(z.string())
            .describe(
              'Managed policies to attach (at most 10). Example: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]',
            )
            .optional(),
        inlinePolicy: z =>
          z
            .union([z.string(), z.record(z.string(), z.unknown())])
            .describe('An inline permission policy, as an object or JSON text')
            .optional(),
        exclusive: z =>
          z
            .boolean()
            .describe(
              'Detach managed policies and delete inline policies the request does not name (default: keep them)',
            )
            .optional(),
        permissionsBoundaryArn: z =>
          z.string().describe('Permissions boundary policy ARN').optional(),
        audience: z =>
          z
            .string()
            .describe(
              'Token audience the trust policy requires; default sts.amazonaws.com',
            )
            .optional(),
        tags: z =>
          z
            .record(z.string(), z.string())
            .describe('Extra tags on the role')
            .optional(),
        createNamespace: z =>
          z
            .boolean()
            .describe('Create the namespace when it does not exist')
            .optional(),
        overrideExistingServiceAccount: z =>
          z
            .boolean()
            .describe('Re-point a service account that names another role')
            .optional(),
        adoptExistingRole: z =>
          z
            .boolean()
            .describe('Take over an existing role this plugin did not create')
            .optional(),
      },
      output: {
        roleArn: z => z.string().describe('ARN of the role'),
        serviceAccount: z =>
          z
            .object({
              cluster: z.string(),
              namespace: z.string(),
              name: z.string(),
            })
            .describe('The service account annotated with the role'),
        changes: z =>
          z
            .array(
              z.object({
                target: z.string(),
                action: z.string(),
                detail: z.string(),
              }),
            )
            .describe(
              'What was changed (or, in a dry run, would be); empty when nothing needed to change',
            ),
        allowed: z =>
          z
            .boolean()
            .describe("Whether the service account's pods can assume the role"),
      },
    },
    async handler(ctx) {
      const request = provisionRequest(ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const result: ProvisionResult = ctx.isDryRun
        ? await irsa.planProvisioning(request, { credentials }).catch(explain)
        : ((await ctx.checkpoint({
            // A retried task skips an apply that already succeeded; the key
            // covers the whole request, so a changed input applies again.
            key: `aws:irsa:create:${requestHash(request)}`,
            fn: async () =>
              (await irsa
                .applyProvisioning(request, { credentials })
                .catch(explain)) as unknown as JsonObject,
          })) as unknown as ProvisionResult);
      for (const change of result.changes) {
        ctx.logger.info(`${change.target} ${change.action}: ${change.detail}`);
      }
      if (result.changes.length === 0) {
        ctx.logger.info(
          `${result.roleArn} and its service account are up to date`,
        );
      }
      ctx.output('roleArn', result.roleArn);
      ctx.output('serviceAccount', result.serviceAccount);
      ctx.output('changes', result.changes);
      ctx.output('allowed', result.verdict.allowed);
    },
  });
}

/**
 * The backend's own words as the step's error: a `ResponseError` says only
 * "Request failed with 403 Forbidden"; its cause names the field or the
 * missing permission, and what a failed run undid.
 */
function explain(error: unknown): never {
  if (error instanceof ResponseError) {
    throw new Error(
      `The IRSA backend answered ${error.statusCode} ${error.cause.name}: ${error.cause.message}`,
    );
  }
  throw error;
}

/** The request body: the input without the fields a template left empty. */
function provisionRequest(input: Record<string, unknown>): ProvisionRequest {
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined && v !== null),
  ) as unknown as ProvisionRequest;
}

/** A digest of the request with its keys sorted at every level. */
function requestHash(request: ProvisionRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** Locale-free order, so the key is the same on every machine. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
