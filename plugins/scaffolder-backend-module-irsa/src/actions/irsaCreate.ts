import { NotImplementedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './irsaCreate.examples';

const PROVISIONING_NOT_AVAILABLE =
  'aws:irsa:create is not available yet: the IRSA backend can plan provisioning ' +
  'but not apply it, so no IAM role or service account was created.';

/**
 * Creates the `aws:irsa:create` action, which is **not available yet**: its
 * input is the planned provisioning request (an IAM role with a web-identity
 * trust policy for one Kubernetes service account, and the service account
 * annotated with it), but the IRSA backend can only plan provisioning, so
 * every run (dry runs included) fails with a `NotImplementedError` and
 * changes nothing.
 *
 * @public
 */
export function createIrsaCreateAction() {
  return createTemplateAction({
    id: 'aws:irsa:create',
    description:
      'Not available yet: fails without changing anything, because the IRSA backend can plan provisioning but not apply it yet. Planned: an IAM role for a Kubernetes service account (IRSA) and the annotated service account, as the user who runs the template.',
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
    },
    async handler() {
      throw new NotImplementedError(PROVISIONING_NOT_AVAILABLE);
    },
  });
}
