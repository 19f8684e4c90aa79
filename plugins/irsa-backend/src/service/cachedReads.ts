import { JsonValue } from '@backstage/types';
import {
  AttachedPolicy,
  RoleDetails,
} from '@irsa-backstage/plugin-irsa-common';
import { IamReader, PolicyRef, RoleRef } from './IamReader';
import { ReadThroughCache } from './ReadThroughCache';

/** A role is re-read after this; short, so a fixed trust policy shows up quickly. */
export const ROLE_TTL_MS = 60 * 1000;

/** A managed policy read on its own (a permissions boundary) is re-read after this. */
export const MANAGED_POLICY_TTL_MS = 60 * 1000;

/**
 * The role, through the cache (`role:<arn>`, shared by every service that reads roles);
 * `null` in the cache means "does not exist".
 */
export async function cachedRole(
  cache: ReadThroughCache,
  iam: IamReader,
  role: RoleRef,
): Promise<RoleDetails | undefined> {
  const value = await cache.get(`role:${role.arn}`, ROLE_TTL_MS, async () => {
    const details = await iam.readRole(role);
    // RoleDetails is plain JSON (strings, arrays, records) as read from IAM.
    return (details ?? null) as JsonValue;
  });
  return (value ?? undefined) as RoleDetails | undefined;
}

/** The managed policy with its default-version document, through the cache (`policy:<arn>`). */
export async function cachedManagedPolicy(
  cache: ReadThroughCache,
  iam: IamReader,
  policy: PolicyRef,
): Promise<AttachedPolicy | undefined> {
  const value = await cache.get(
    `policy:${policy.arn}`,
    MANAGED_POLICY_TTL_MS,
    async () => {
      const read = await iam.readManagedPolicy(policy);
      return (read ?? null) as JsonValue;
    },
  );
  return (value ?? undefined) as AttachedPolicy | undefined;
}
