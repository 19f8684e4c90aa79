import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { irsaInventoryReadPermission } from '@irsa-backstage/plugin-irsa-common';

/**
 * Whose inventory entries (bindings, reviews) a caller may list: everyone's
 * (`undefined`) with `irsa.inventory.read`, otherwise a user's own (the
 * entities their sign-in says they own). A service without the permission is
 * refused with `refusal`.
 */
export async function readableOwners(
  deps: {
    permissions: PermissionsService;
    auth: AuthService;
    userInfo: UserInfoService;
  },
  credentials: BackstageCredentials,
  refusal: string,
): Promise<string[] | undefined> {
  const [decision] = await deps.permissions.authorize(
    [{ permission: irsaInventoryReadPermission }],
    { credentials },
  );
  if (decision.result === AuthorizeResult.ALLOW) return undefined;
  if (!deps.auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(refusal);
  }
  return (await deps.userInfo.getUserInfo(credentials)).ownershipEntityRefs;
}
