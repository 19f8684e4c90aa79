import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { IrsaService, ProvisionRequest } from '@irsa-backstage/plugin-irsa-node';
import { examples } from './irsaCreate.examples';

/**
 * Creates the `aws:irsa:create` action: an IAM role with a web-identity trust
 * policy for one Kubernetes service account, and the service account annotated
 * with it. The IRSA backend does the work (validation, guardrails, permission
 * check, rollback, audit) on behalf of the user who runs the template; a dry
 * run returns the plan.
 *
 * @public
 */
export function createIrsaCreateAction(options: { irsa: IrsaService }) {
  const { irsa } = options;
  return createTemplateAction({
    id: 'aws:irsa:create',
    description:
      'Creates an IAM role for a Kubernetes service account (IRSA) and the annotated service account, as the user who runs the template.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z.string({
            description:
              'Catalog entity the role is for, e.g. component:default/payments-api',
          }),
        cluster: z =>
          z.string({ description: 'Cluster name as configured under irsa.clusters' }),
        namespace: z =>
          z.string({ description: 'Kubernetes namespace of the service account' }),
        serviceAccount: z =>
          z.string({ description: 'Name of the Kubernetes service account' }),
        roleName: z =>
          z
            .string({
              description: 'IAM role name; derived when absent (at most 64 characters)',
            })
            .optional(),
        managedPolicyArns: z =>
          z
            .array(z.string(), { description: 'Managed policy ARNs to attach' })
            .optional(),
        inlinePolicy: z =>
          z
            .union([z.string(), z.record(z.string(), z.unknown())], {
              description: 'Inline policy document (object or JSON string)',
            })
            .optional(),
        permissionsBoundaryArn: z =>
          z.string({ description: 'Permissions boundary policy ARN' }).optional(),
        audience: z =>
          z
            .string({ description: 'Token audience; default sts.amazonaws.com' })
            .optional(),
        tags: z =>
          z
            .record(z.string(), z.string(), { description: 'Extra tags for the role' })
            .optional(),
        createNamespace: z =>
          z
            .boolean({ description: 'Create the namespace when it does not exist' })
            .optional(),
        overrideExistingServiceAccount: z =>
          z
            .boolean({
              description: 'Re-point a service account that names another role',
            })
            .optional(),
        adoptExistingRole: z =>
          z
            .boolean({ description: 'Take over a role this plugin did not create' })
            .optional(),
      },
      output: {
        roleArn: z => z.string({ description: 'ARN of the role' }),
        serviceAccount: z =>
          z.string({ description: 'namespace/name of the service account' }),
        allowed: z =>
          z.boolean({
            description: 'Whether the trust verdict says the pod can assume the role',
          }),
        changes: z =>
          z.array(
            z.object({ target: z.string(), action: z.string(), detail: z.string() }),
            { description: 'What the run changed (or would change, on a dry run)' },
          ),
      },
    },
    async handler(ctx) {
      const request: ProvisionRequest = { ...ctx.input };
      const credentials = await ctx.getInitiatorCredentials();
      const target = `${request.cluster}/${request.namespace}/${request.serviceAccount}`;

      if (ctx.isDryRun) {
        ctx.logger.info(`Planning IRSA role for ${target}`);
        const plan = await irsa.planProvisioning(request, { credentials });
        ctx.output('roleArn', plan.roleArn);
        ctx.output('serviceAccount', plan.serviceAccount);
        ctx.output('allowed', plan.verdict.allowed);
        ctx.output('changes', plan.changes);
        return;
      }

      ctx.logger.info(`Provisioning IRSA role for ${target}`);
      // Apply is idempotent; the checkpoint keeps a resumed task from asking
      // the backend again once it has answered.
      const result = await ctx.checkpoint({
        key: `aws.irsa.create.${target}`,
        fn: async () => {
          const applied = await irsa.applyProvisioning(request, { credentials });
          return {
            roleArn: applied.roleArn,
            serviceAccount: applied.serviceAccount,
            allowed: applied.verdict.allowed,
            changes: applied.changes,
          };
        },
      });
      for (const change of result.changes) {
        ctx.logger.info(`${change.action} ${change.target}: ${change.detail}`);
      }
      ctx.output('roleArn', result.roleArn);
      ctx.output('serviceAccount', result.serviceAccount);
      ctx.output('allowed', result.allowed);
      ctx.output('changes', result.changes);
    },
  });
}
