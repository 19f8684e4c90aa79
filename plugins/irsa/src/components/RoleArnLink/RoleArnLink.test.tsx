import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { awsConsoleRoleUrl, RoleArnLink } from './RoleArnLink';

describe('awsConsoleRoleUrl', () => {
  it.each([
    [
      'arn:aws:iam::123456789012:role/payments-api',
      'https://console.aws.amazon.com/iam/home#/roles/details/payments-api',
    ],
    [
      'arn:aws-cn:iam::123456789012:role/team/orders',
      'https://console.amazonaws.cn/iam/home#/roles/details/orders',
    ],
    [
      'arn:aws-us-gov:iam::123456789012:role/gov-role',
      'https://console.amazonaws-us-gov.com/iam/home#/roles/details/gov-role',
    ],
  ])('links %s to its partition’s console', (arn, url) => {
    expect(awsConsoleRoleUrl(arn)).toBe(url);
  });

  it('has no link for what is not a role ARN', () => {
    expect(
      awsConsoleRoleUrl('arn:aws:iam::123456789012:user/me'),
    ).toBeUndefined();
    expect(
      awsConsoleRoleUrl('arn:aws-iso:iam::123456789012:role/x'),
    ).toBeUndefined();
  });
});

describe('RoleArnLink', () => {
  it('renders the ARN as a link to the IAM role page', async () => {
    await renderInTestApp(
      <RoleArnLink roleArn="arn:aws:iam::123456789012:role/payments-api" />,
    );
    const link = screen.getByTestId('irsa-role-console-link');
    expect(link).toHaveTextContent(
      'arn:aws:iam::123456789012:role/payments-api',
    );
    expect(link).toHaveAttribute(
      'href',
      'https://console.aws.amazon.com/iam/home#/roles/details/payments-api',
    );
  });

  it('renders an unparsable ARN as text', async () => {
    await renderInTestApp(<RoleArnLink roleArn="not-an-arn" />);
    expect(screen.getByTestId('irsa-role-arn')).toHaveTextContent('not-an-arn');
    expect(screen.queryByTestId('irsa-role-console-link')).toBeNull();
  });
});
