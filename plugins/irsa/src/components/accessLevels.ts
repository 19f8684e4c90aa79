import type { AccessLevel } from '@irsa-backstage/plugin-irsa-common';

/** Access levels in the order IAM's documentation lists them. */
export const ACCESS_LEVELS: readonly AccessLevel[] = [
  'List',
  'Read',
  'Write',
  'Permissions management',
  'Tagging',
];
