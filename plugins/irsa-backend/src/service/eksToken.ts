import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * A bearer token for an EKS cluster's API server, made as `aws eks get-token`
 * and the Kubernetes plugin's `aws` auth provider make it: a presigned STS
 * GetCallerIdentity URL that names the cluster in the signed `x-k8s-aws-id`
 * header, prefixed `k8s-aws-v1.` and base64url-encoded. EKS accepts it for 15
 * minutes (https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html,
 * and aws-iam-authenticator's token format). Signing is local: no AWS call.
 */
export async function eksBearerToken(options: {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
}): Promise<string> {
  const { clusterName, region, credentials } = options;
  const hostname = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256 });
  const signed = await signer.presign(
    new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': clusterName },
    }),
    { expiresIn: 60 },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const url = `https://${hostname}/?${query}`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}
