/**
 * Test fixtures: bindings as the backend builds them, with verdicts and
 * permission findings computed by the real irsa-common engine (not written
 * by hand), so the UI is tested against the engine's actual output shape.
 * Only imported by tests.
 */
import {
  analyzePermissions,
  analyzeServiceAccount,
  analyzeTrust,
  describePermissionStatements,
  Finding,
  PermissionStatementsPolicy,
  PodLike,
  PolicyDocument,
  RoleDetails,
  sortFindings,
} from '@irsa-backstage/plugin-irsa-common';
import type { EntityBinding } from '../../api';

export const ACCOUNT = '123456789012';
export const CLUSTER = 'demo-east';
export const ISSUER =
  'oidc.eks.us-east-1.amazonaws.com/id/5C0F1E1A3B8E4D6F9A2B7C3D4E5F6A7B';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;

/** The AWS EKS user guide's trust policy: StringEquals on sub and aud. */
export function guideTrustPolicy(
  namespace: string,
  name: string,
): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${ISSUER}:sub`]: `system:serviceaccount:${namespace}:${name}`,
            [`${ISSUER}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  };
}

/** A policy document as IAM returns it (and the API passes it on): URL-encoded JSON. */
function asIam(document: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(document));
}

function roleArnOf(roleName: string) {
  return `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
}

function injectedPod(
  name: string,
  serviceAccountName: string,
  roleArn: string,
): PodLike {
  return {
    metadata: { name },
    spec: {
      serviceAccountName,
      containers: [
        {
          name: 'app',
          env: [
            { name: 'AWS_ROLE_ARN', value: roleArn },
            {
              name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
              value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
            },
          ],
        },
      ],
    },
  };
}

function plainPod(name: string, serviceAccountName: string): PodLike {
  return {
    metadata: { name },
    spec: { serviceAccountName, containers: [{ name: 'app' }] },
  };
}

/**
 * A binding the way the backend assembles it: discovery findings from
 * analyzeServiceAccount, the verdict from analyzeTrust (when the role was
 * read) and permission findings from analyzePermissions, merged and sorted.
 */
function buildBinding(options: {
  namespace: string;
  name: string;
  role?: RoleDetails;
  roleArn?: string;
  roleExists?: boolean;
  pods: PodLike[];
  error?: string;
  /** The permissions boundary's document, for the permissions table. */
  boundary?: PermissionStatementsPolicy;
}): EntityBinding {
  const { namespace, name, role } = options;
  const roleArn = options.roleArn ?? role?.arn;
  const serviceAccount = analyzeServiceAccount({
    serviceAccount: {
      metadata: {
        name,
        namespace,
        annotations: roleArn ? { 'eks.amazonaws.com/role-arn': roleArn } : {},
      },
    },
    roleExists: options.roleExists ?? (role ? true : undefined),
    pods: options.pods,
  });
  const verdict = role
    ? analyzeTrust({
        trustPolicy: role.trustPolicy,
        roleArn: role.arn,
        serviceAccount: { namespace, name },
        oidcIssuer: `https://${ISSUER}`,
        oidcProviders: [
          { arn: PROVIDER_ARN, clientIds: ['sts.amazonaws.com'] },
        ],
      })
    : undefined;
  const policies = role
    ? [
        ...role.attachedPolicies.flatMap(p =>
          p.document
            ? [
                {
                  kind: 'managed' as const,
                  arn: p.arn,
                  name: p.name,
                  document: p.document,
                },
              ]
            : [],
        ),
        ...role.inlinePolicies.map(p => ({
          kind: 'inline' as const,
          name: p.name,
          document: p.document,
        })),
      ]
    : [];
  const permissions = role ? analyzePermissions({ policies }) : undefined;
  const findings: Finding[] = sortFindings([
    ...serviceAccount.findings,
    ...(verdict?.findings ?? []),
    ...(permissions?.findings ?? []),
  ]);
  return {
    serviceAccount: { cluster: CLUSTER, namespace, name },
    roleArn,
    source: 'annotation',
    serviceAccountExists: true,
    role,
    verdict,
    permissions: permissions
      ? {
          findings: permissions.findings,
          summary: permissions.summary,
          statements: describePermissionStatements({
            policies: [
              ...policies,
              ...(options.boundary ? [options.boundary] : []),
            ],
            findings: permissions.findings,
          }),
        }
      : undefined,
    pods: serviceAccount.pods.map(p => ({
      name: p.name,
      injectedRoleArn: p.injectedRoleArn,
    })),
    findings,
    entityRef: `component:default/${name}`,
    ...(options.error ? { error: options.error } : {}),
  };
}

const ordersWorkerRoleArn = roleArnOf('orders-worker');

/**
 * orders/orders-worker: the trust policy names namespace "order" (typo), so
 * STS refuses the token. The trust policy is URL-encoded, as IAM returns it.
 */
export const deniedBinding: EntityBinding = buildBinding({
  namespace: 'orders',
  name: 'orders-worker',
  role: {
    arn: ordersWorkerRoleArn,
    name: 'orders-worker',
    trustPolicy: asIam(guideTrustPolicy('order', 'orders-worker')),
    attachedPolicies: [],
    inlinePolicies: [
      {
        name: 'orders-queue',
        document: asIam({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
              Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
            },
          ],
        }),
      },
    ],
    tags: {},
  },
  pods: [
    injectedPod(
      'orders-worker-6f9c7-x2x8q',
      'orders-worker',
      ordersWorkerRoleArn,
    ),
  ],
});

const paymentsApiRoleArn = roleArnOf('payments-api');

/** payments/payments-api: the guide's policy for the right subject; trust holds. */
export const allowedBinding: EntityBinding = buildBinding({
  namespace: 'payments',
  name: 'payments-api',
  role: {
    arn: paymentsApiRoleArn,
    name: 'payments-api',
    trustPolicy: asIam(guideTrustPolicy('payments', 'payments-api')),
    attachedPolicies: [
      {
        arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        name: 'AmazonS3ReadOnlyAccess',
        document: asIam({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:Get*', 's3:List*'],
              Resource: '*',
            },
          ],
        }),
      },
    ],
    inlinePolicies: [
      {
        name: 'payments-dynamodb',
        document: asIam({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
        }),
      },
    ],
    permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/irsa-boundary`,
    tags: { 'backstage.io/entity-ref': 'component:default/payments-api' },
  },
  boundary: {
    kind: 'boundary',
    arn: `arn:aws:iam::${ACCOUNT}:policy/irsa-boundary`,
    name: 'irsa-boundary',
    document: asIam({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:*', 'dynamodb:*', 'sqs:*'],
          Resource: '*',
        },
      ],
    }),
  },
  pods: [
    injectedPod('payments-api-5d8b9-abcde', 'payments-api', paymentsApiRoleArn),
    plainPod('payments-api-5d8b9-old01', 'payments-api'),
  ],
});

/** reports/reports-job: the annotation names a role that does not exist. */
export const missingRoleBinding: EntityBinding = buildBinding({
  namespace: 'reports',
  name: 'reports-job',
  roleArn: roleArnOf('reports-job-gone'),
  roleExists: false,
  pods: [],
});

/** A binding whose role lives in an account the backend has no credentials for. */
export const unreadableBinding: EntityBinding = buildBinding({
  namespace: 'ledger',
  name: 'ledger-sync',
  roleArn: 'arn:aws:iam::999988887777:role/ledger-sync',
  pods: [],
  error:
    'No AWS credentials for account 999988887777; the role could not be read.',
});

const adminConsoleRoleArn = roleArnOf('admin-console');

/**
 * ops/admin-console: AdministratorAccess attached (every action of every
 * service), and a pod still running with the role the annotation named
 * before (POD_ROLE_STALE).
 */
export const adminBinding: EntityBinding = buildBinding({
  namespace: 'ops',
  name: 'admin-console',
  role: {
    arn: adminConsoleRoleArn,
    name: 'admin-console',
    trustPolicy: asIam(guideTrustPolicy('ops', 'admin-console')),
    attachedPolicies: [
      {
        arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        name: 'AdministratorAccess',
        document: asIam({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      },
    ],
    inlinePolicies: [],
    tags: {},
  },
  pods: [
    injectedPod(
      'admin-console-7c4d-new01',
      'admin-console',
      adminConsoleRoleArn,
    ),
    injectedPod(
      'admin-console-6b3a-old01',
      'admin-console',
      roleArnOf('admin-console-previous'),
    ),
  ],
});

/** A role tagged for payments-api that no service account names yet. */
export const tagLinkedBinding: EntityBinding = {
  serviceAccount: {
    cluster: CLUSTER,
    namespace: 'payments',
    name: 'payments-reports',
  },
  roleArn: roleArnOf('payments-reports'),
  source: 'tag',
  serviceAccountExists: false,
  pods: [],
  findings: [],
  entityRef: 'component:default/payments-api',
};
