import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A read-only S3 role for a new service account of the component',
    example: yaml.stringify({
      steps: [
        {
          id: 'irsa',
          action: 'aws:irsa:create',
          name: 'Create IAM role for the service account',
          input: {
            entityRef: 'component:default/payments-api',
            cluster: 'demo-east',
            namespace: 'payments',
            serviceAccount: 'payments-reporter',
            managedPolicyArns: [
              'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
            ],
          },
        },
      ],
    }),
  },
];
