import { ConfigReader } from '@backstage/config';
import { ProvisionRequestValidator } from '../provision/ProvisionRequestValidator';
import { readProvisioningSettings } from '../provision/provisioningConfig';
import { ClusterConfig } from '../service/config';
import { ACCOUNT, component, S3_READ_ONLY } from './estate';

/** The demo's EKS cluster as the provisioning unit tests configure it. */
export const provisioningCluster: ClusterConfig = {
  name: 'demo-east',
  accountId: ACCOUNT,
  region: 'us-east-1',
  eksClusterName: 'demo-east',
  url: 'https://east.invalid',
  skipTLSVerify: false,
  authProvider: 'serviceAccount',
  authMetadata: {},
  connectionFrom: 'irsa',
};

/** The component the requests provision for. */
export const provisioningEntity = component('payments-api', {
  'backstage.io/kubernetes-id': 'payments-api',
});

/** A valid request for payments-api's service account, validated with the default settings. */
export const validatedRequest = (extra: object = {}) =>
  new ProvisionRequestValidator(
    [provisioningCluster],
    readProvisioningSettings(new ConfigReader({})),
  ).validate({
    entityRef: 'component:default/payments-api',
    cluster: 'demo-east',
    namespace: 'payments',
    serviceAccount: 'payments-api',
    roleName: 'irsa-payments-api',
    managedPolicyArns: [S3_READ_ONLY],
    ...extra,
  });
