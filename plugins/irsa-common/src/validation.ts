/**
 * Validation of the names and ARNs provisioning accepts, shared by the
 * backend (400 with a message naming the field) and the UI (inline errors).
 *
 * Each `validate*` function returns undefined when the value is valid and
 * otherwise a sentence saying what is wrong.
 */
import { parse as parseArn, validate as isArn } from '@aws-sdk/util-arn-parser';
import { fnv1aHex } from './hash';

/** Characters IAM allows in role and policy names. */
const IAM_NAME_CHARS = /^[\w+=,.@-]+$/;

/**
 * Longest IAM role name.
 *
 * @public
 */
export const MAX_ROLE_NAME_LENGTH = 64;

/**
 * Validates an IAM role name: 1 to 64 characters of `A-Za-z0-9_+=,.@-`.
 *
 * @public
 */
export function validateIamRoleName(name: string): string | undefined {
  if (name.length === 0) return 'role name must not be empty';
  if (name.length > MAX_ROLE_NAME_LENGTH) {
    return `role name must be at most ${MAX_ROLE_NAME_LENGTH} characters (it has ${name.length})`;
  }
  if (!IAM_NAME_CHARS.test(name)) {
    return 'role name may only contain letters, digits and + = , . @ _ -';
  }
  return undefined;
}

/**
 * Validates an IAM policy name: 1 to 128 characters of `A-Za-z0-9_+=,.@-`.
 *
 * @public
 */
export function validateIamPolicyName(name: string): string | undefined {
  if (name.length === 0) return 'policy name must not be empty';
  if (name.length > 128) {
    return `policy name must be at most 128 characters (it has ${name.length})`;
  }
  if (!IAM_NAME_CHARS.test(name)) {
    return 'policy name may only contain letters, digits and + = , . @ _ -';
  }
  return undefined;
}

/**
 * Validates an IAM path: `/`, or `/` + segments + `/`, at most 512 characters.
 *
 * @public
 */
export function validateIamPath(path: string): string | undefined {
  if (path.length > 512) return 'path must be at most 512 characters';
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path) || path.includes('//')) {
    return 'path must start and end with "/" and contain printable ASCII characters only';
  }
  return undefined;
}

/**
 * Validates a 12-digit AWS account id.
 *
 * @public
 */
export function validateAwsAccountId(accountId: string): string | undefined {
  return /^\d{12}$/.test(accountId)
    ? undefined
    : 'AWS account id must be 12 digits';
}

/**
 * The parts of an IAM role ARN.
 *
 * @public
 */
export interface RoleArnParts {
  partition: string;
  accountId: string;
  /** `/` or `/some/path/`. */
  path: string;
  roleName: string;
}

/**
 * An IAM ARN of a resource with a path, `arn:<partition>:iam::<account>:
 * <type>/<path>/<name>`, split up; undefined when the text is not one (the
 * name and path are not validated here).
 */
function parseIamPathArn(
  arn: string,
  type: 'role' | 'policy',
  validAccount: (accountId: string) => boolean,
):
  | { partition: string; accountId: string; path: string; name: string }
  | undefined {
  if (typeof arn !== 'string' || !isArn(arn) || /\s/.test(arn))
    return undefined;
  const parts = parseArn(arn);
  if (
    parts.service !== 'iam' ||
    parts.region !== '' ||
    !/^aws(-[a-z]+)*$/.test(parts.partition) ||
    !validAccount(parts.accountId) ||
    !parts.resource.startsWith(`${type}/`)
  ) {
    return undefined;
  }
  const pathAndName = parts.resource.slice(type.length);
  const lastSlash = pathAndName.lastIndexOf('/');
  return {
    partition: parts.partition,
    accountId: parts.accountId,
    path: pathAndName.slice(0, lastSlash + 1),
    name: pathAndName.slice(lastSlash + 1),
  };
}

/**
 * Parses an IAM role ARN such as `arn:aws:iam::111122223333:role/my-role`
 * (with an optional path); undefined when it is not a valid one.
 *
 * @public
 */
export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const parts = parseIamPathArn(arn, 'role', id => !validateAwsAccountId(id));
  if (!parts || validateIamRoleName(parts.name) || validateIamPath(parts.path))
    return undefined;
  const { partition, accountId, path, name: roleName } = parts;
  return { partition, accountId, path, roleName };
}

/**
 * Validates an IAM role ARN.
 *
 * @public
 */
export function validateRoleArn(arn: string): string | undefined {
  return parseRoleArn(arn)
    ? undefined
    : `"${arn}" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)`;
}

/**
 * The parts of an IAM managed policy ARN; `accountId` is `aws` for AWS
 * managed policies.
 *
 * @public
 */
export interface PolicyArnParts {
  partition: string;
  accountId: string;
  path: string;
  policyName: string;
  awsManaged: boolean;
}

/**
 * Parses an IAM managed policy ARN such as
 * `arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`; undefined when invalid.
 *
 * @public
 */
export function parsePolicyArn(arn: string): PolicyArnParts | undefined {
  const parts = parseIamPathArn(
    arn,
    'policy',
    id => id === 'aws' || !validateAwsAccountId(id),
  );
  if (
    !parts ||
    validateIamPolicyName(parts.name) ||
    validateIamPath(parts.path)
  )
    return undefined;
  const { partition, accountId, path, name: policyName } = parts;
  return {
    partition,
    accountId,
    path,
    policyName,
    awsManaged: accountId === 'aws',
  };
}

/**
 * Validates an IAM managed policy ARN.
 *
 * @public
 */
export function validatePolicyArn(arn: string): string | undefined {
  return parsePolicyArn(arn)
    ? undefined
    : `"${arn}" is not an IAM policy ARN (expected arn:aws:iam::<account or "aws">:policy/<name>)`;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Validates a DNS-1123 label (Kubernetes namespace names): at most 63
 * lower-case alphanumerics or `-`, starting and ending alphanumeric.
 *
 * @public
 */
export function validateDns1123Label(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63)
    return `must be at most 63 characters (it has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return 'must consist of lower-case letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}

/**
 * Validates a DNS-1123 subdomain (Kubernetes service account names): at most
 * 253 characters, dot-separated DNS-1123 labels.
 *
 * @public
 */
export function validateDns1123Subdomain(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 253)
    return `must be at most 253 characters (it has ${value.length})`;
  if (!value.split('.').every(label => DNS1123_LABEL.test(label))) {
    return 'must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit';
  }
  return undefined;
}

/**
 * Validates a Kubernetes namespace name (DNS-1123 label).
 *
 * @public
 */
export function validateNamespaceName(namespace: string): string | undefined {
  const problem = validateDns1123Label(namespace);
  return problem && `namespace "${namespace}" ${problem}`;
}

/**
 * Validates a Kubernetes service account name (DNS-1123 subdomain).
 *
 * @public
 */
export function validateServiceAccountName(name: string): string | undefined {
  const problem = validateDns1123Subdomain(name);
  return problem && `service account name "${name}" ${problem}`;
}

/**
 * What a derived role name is made of.
 *
 * @public
 */
export interface DeriveRoleNameParams {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  /** Default `irsa-`. */
  prefix?: string;
}

/**
 * A role name for a service account: `<prefix><cluster>-<namespace>-<sa>`,
 * cut to fit 64 characters, followed by `-` and an 8-hex-digit hash of the
 * full (cluster, namespace, service account) triple. The hash keeps names
 * unique when truncation or dashes would make two triples look alike
 * (`a-b`/`c` vs `a`/`b-c`), and is stable across runs and machines.
 *
 * @public
 */
export function deriveRoleName(params: DeriveRoleNameParams): string {
  const prefix = params.prefix ?? 'irsa-';
  const suffix = `-${fnv1aHex(
    `${params.cluster}/${params.namespace}/${params.serviceAccount}`,
  )}`;
  const readable =
    `${prefix}${params.cluster}-${params.namespace}-${params.serviceAccount}`.replace(
      /[^\w+=,.@-]/g,
      '-',
    );
  const room = MAX_ROLE_NAME_LENGTH - suffix.length;
  return readable.slice(0, room).replace(/[-.]+$/, '') + suffix;
}
