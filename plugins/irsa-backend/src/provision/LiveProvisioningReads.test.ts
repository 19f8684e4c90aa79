import { buildOidcProviderArn } from '@irsa-backstage/plugin-irsa-common';
import { ACCOUNT, EAST_ISSUER, eksEstate } from '../__testUtils__/estate';
import { InMemoryIamReader } from '../__testUtils__/inMemoryReaders';
import { LiveProvisioningReads } from './LiveProvisioningReads';

function readsOver(iam: InMemoryIamReader) {
  return new LiveProvisioningReads({} as any, iam, {} as any, {} as any);
}

describe('LiveProvisioningReads.oidcProviders', () => {
  it("reads the issuer's own provider by its ARN, and nothing else, when it exists", async () => {
    const iam = new InMemoryIamReader(eksEstate());
    const providers = await readsOver(iam).oidcProviders(ACCOUNT, EAST_ISSUER);
    expect(providers).toEqual([
      { arn: buildOidcProviderArn(ACCOUNT, EAST_ISSUER), clientIds: ['sts.amazonaws.com'] },
    ]);
    expect(iam.calls).toEqual([`readOidcProvider ${buildOidcProviderArn(ACCOUNT, EAST_ISSUER)}`]);
  });

  it('lists every provider of the account when there is none at that ARN', async () => {
    const estate = eksEstate();
    // A provider registered under another spelling of the issuer URL (a trailing slash).
    const other = `arn:aws:iam::${ACCOUNT}:oidc-provider/${EAST_ISSUER.replace('https://', '')}/`;
    estate.oidcProviders = { [ACCOUNT]: [{ arn: other, clientIds: ['sts.amazonaws.com'] }] };
    const iam = new InMemoryIamReader(estate);
    const providers = await readsOver(iam).oidcProviders(ACCOUNT, EAST_ISSUER);
    expect(providers.map(p => p.arn)).toEqual([other]);
    expect(iam.calls.map(c => c.split(' ')[0])).toEqual(['readOidcProvider', 'listOidcProviders']);
  });
});
