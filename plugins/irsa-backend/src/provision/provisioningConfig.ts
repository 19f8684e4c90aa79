import { Config } from '@backstage/config';
import {
  SINGLE_ACTION_ESCALATIONS,
  validateIamPath,
  validatePolicyArn,
} from '@irsa-backstage/plugin-irsa-common';

/** The guardrails of `irsa.provisioning.guardrails` (see config.d.ts), with their defaults. */
export interface ProvisioningGuardrails {
  /** Undefined: every ARN not denied may be attached. */
  allowedManagedPolicyArns?: string[];
  deniedManagedPolicyArns: string[];
  /** Lower case. */
  forbiddenActions: string[];
  requiredPermissionsBoundaryArn?: string;
  roleNamePrefix: string;
  rolePath: string;
  extraTags: Record<string, string>;
  allowRiskyPolicies: boolean;
}

/** `irsa.provisioning`, read and checked at start-up. */
export interface ProvisioningSettings {
  createOidcProvider: boolean;
  guardrails: ProvisioningGuardrails;
}

/** `*`, `iam:*` and every single-action privilege escalation irsa-common knows. */
export const DEFAULT_FORBIDDEN_ACTIONS: readonly string[] = [
  '*',
  'iam:*',
  ...new Set(SINGLE_ACTION_ESCALATIONS.flatMap(path => path.actions)),
];

export const DEFAULT_ROLE_NAME_PREFIX = 'irsa-';

/**
 * Reads `irsa.provisioning`. Mistakes fail start-up with the key that is wrong.
 */
export function readProvisioningSettings(root: Config): ProvisioningSettings {
  const key = 'irsa.provisioning.guardrails';
  const g = root.getOptionalConfig(key);
  const boundary =
    g?.getOptionalString('requiredPermissionsBoundaryArn') || undefined;
  if (boundary !== undefined && validatePolicyArn(boundary)) {
    throw new Error(
      `${key}.requiredPermissionsBoundaryArn: ${validatePolicyArn(boundary)}`,
    );
  }
  const rolePath = g?.getOptionalString('rolePath') ?? '/';
  if (validateIamPath(rolePath)) {
    throw new Error(`${key}.rolePath: ${validateIamPath(rolePath)}`);
  }
  const roleNamePrefix =
    g?.getOptionalString('roleNamePrefix') ?? DEFAULT_ROLE_NAME_PREFIX;
  if (!/^[\w+=,.@-]{0,32}$/.test(roleNamePrefix)) {
    throw new Error(
      `${key}.roleNamePrefix must be at most 32 characters of letters, digits and + = , . @ _ -`,
    );
  }
  const extraTagsConfig = g?.getOptionalConfig('extraTags');
  const extraTags: Record<string, string> = {};
  for (const tagKey of extraTagsConfig?.keys() ?? []) {
    extraTags[tagKey] = extraTagsConfig!.getString(tagKey);
  }
  return {
    createOidcProvider:
      root.getOptionalBoolean('irsa.provisioning.createOidcProvider') ?? false,
    guardrails: {
      allowedManagedPolicyArns: g?.getOptionalStringArray(
        'allowedManagedPolicyArns',
      ),
      deniedManagedPolicyArns:
        g?.getOptionalStringArray('deniedManagedPolicyArns') ?? [],
      forbiddenActions: (
        g?.getOptionalStringArray('forbiddenActions') ??
        DEFAULT_FORBIDDEN_ACTIONS
      ).map(a => a.toLowerCase()),
      requiredPermissionsBoundaryArn: boundary,
      roleNamePrefix,
      rolePath,
      extraTags,
      allowRiskyPolicies: g?.getOptionalBoolean('allowRiskyPolicies') ?? false,
    },
  };
}
