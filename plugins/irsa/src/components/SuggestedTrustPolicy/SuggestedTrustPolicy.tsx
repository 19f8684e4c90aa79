import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  parseRoleArn,
  type PolicyDocument,
} from '@irsa-backstage/plugin-irsa-common';
import { CodeBlock } from '../CodeBlock';

/**
 * A corrected trust policy to copy, with the AWS CLI command that applies it.
 */
export const SuggestedTrustPolicy = (props: {
  policy: PolicyDocument;
  roleArn?: string;
  /** What the suggestion fixes, e.g. the finding codes. */
  fixes?: string;
}) => {
  const { policy, roleArn, fixes } = props;
  const roleName = roleArn ? parseRoleArn(roleArn)?.roleName : undefined;
  return (
    <Box my={1} data-testid="irsa-suggested-trust-policy">
      <Typography variant="subtitle2">
        Suggested trust policy{fixes ? ` (fixes ${fixes})` : ''}
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Save it as trust-policy.json and apply it with{' '}
        <code>
          aws iam update-assume-role-policy --role-name{' '}
          {roleName ?? '<role-name>'} --policy-document file://trust-policy.json
        </code>
      </Typography>
      <CodeBlock
        label="Suggested trust policy"
        text={JSON.stringify(policy, null, 2)}
      />
    </Box>
  );
};

/**
 * The suggested trust policies of a binding: the verdict's (all mechanical
 * fixes together) when there is one, otherwise each distinct suggestion of
 * its findings.
 */
export function collectSuggestions(
  verdictSuggestion: PolicyDocument | undefined,
  findings: ReadonlyArray<{
    code: string;
    suggestedTrustPolicy?: PolicyDocument;
  }>,
): Array<{ policy: PolicyDocument; fixes: string }> {
  const withSuggestion = findings.filter(f => f.suggestedTrustPolicy);
  if (verdictSuggestion) {
    const codes = [...new Set(withSuggestion.map(f => f.code))];
    return [{ policy: verdictSuggestion, fixes: codes.join(', ') }];
  }
  const byText = new Map<string, { policy: PolicyDocument; codes: string[] }>();
  for (const finding of withSuggestion) {
    const text = JSON.stringify(finding.suggestedTrustPolicy);
    const entry = byText.get(text);
    if (entry) {
      if (!entry.codes.includes(finding.code)) entry.codes.push(finding.code);
    } else {
      byText.set(text, {
        policy: finding.suggestedTrustPolicy!,
        codes: [finding.code],
      });
    }
  }
  return [...byText.values()].map(({ policy, codes }) => ({
    policy,
    fixes: codes.join(', '),
  }));
}
