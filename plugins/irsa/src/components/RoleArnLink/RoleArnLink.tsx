import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { parseRoleArn } from '@irsa-backstage/plugin-irsa-common';

/** The IAM console of each partition (the role page lives under `/iam/home`). */
const CONSOLE_BY_PARTITION: Record<string, string> = {
  aws: 'https://console.aws.amazon.com',
  'aws-cn': 'https://console.amazonaws.cn',
  'aws-us-gov': 'https://console.amazonaws-us-gov.com',
};

/**
 * The AWS console page of an IAM role, in the role ARN's partition; undefined
 * for an ARN that is not a role's or a partition without a known console.
 */
export function awsConsoleRoleUrl(roleArn: string): string | undefined {
  const parts = parseRoleArn(roleArn);
  const console = parts && CONSOLE_BY_PARTITION[parts.partition];
  if (!parts || !console) return undefined;
  return `${console}/iam/home#/roles/details/${encodeURIComponent(
    parts.roleName,
  )}`;
}

/** A role ARN in monospace, linking to the role's page in the AWS console. */
export const RoleArnLink = (props: { roleArn: string; className?: string }) => {
  const { roleArn, className } = props;
  const url = awsConsoleRoleUrl(roleArn);
  return (
    <Typography
      variant="body2"
      component="span"
      className={className}
      data-testid="irsa-role-arn"
    >
      {url ? (
        <Link
          to={url}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="irsa-role-console-link"
          aria-label={`${roleArn} (opens the role in the AWS console)`}
        >
          {roleArn}
        </Link>
      ) : (
        roleArn
      )}
    </Typography>
  );
};
