import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { adminBinding } from '../__fixtures__/bindings';
import { PodList } from './PodList';

describe('PodList', () => {
  it('compares each pod’s injected role and token with the annotation, with the stale-pod finding', async () => {
    await renderInTestApp(
      <PodList
        pods={adminBinding.pods}
        roleArn={adminBinding.roleArn}
        findings={adminBinding.findings}
      />,
    );
    const current = screen.getByTestId('irsa-pod-admin-console-7c4d-new01');
    expect(current).toHaveAttribute('data-stale', 'false');
    expect(current).toHaveTextContent(
      'arn:aws:iam::123456789012:role/admin-console',
    );
    expect(current).toHaveTextContent('mounted (AWS_WEB_IDENTITY_TOKEN_FILE)');
    expect(current).toHaveTextContent('admin-console-7c4d-new01: injected');
    const stale = screen.getByTestId('irsa-pod-admin-console-6b3a-old01');
    expect(stale).toHaveAttribute('data-stale', 'true');
    expect(stale).toHaveTextContent(
      'injected with another role (arn:aws:iam::123456789012:role/admin-console-previous): restart needed',
    );
    expect(within(stale).getByLabelText('not matched')).toBeInTheDocument();
    expect(
      within(stale).getByTestId('irsa-pod-finding-POD_ROLE_STALE'),
    ).toBeInTheDocument();
    expect(
      within(current).queryByTestId('irsa-pod-finding-POD_ROLE_STALE'),
    ).toBeNull();
  });

  it('says a pod without the web-identity environment was not injected', async () => {
    await renderInTestApp(
      <PodList
        pods={[{ name: 'plain-pod' }]}
        roleArn="arn:aws:iam::123456789012:role/r"
        findings={[
          {
            code: 'POD_NOT_INJECTED',
            severity: 'high',
            message: 'not injected',
            podName: 'plain-pod',
          },
        ]}
      />,
    );
    const row = screen.getByTestId('irsa-pod-plain-pod');
    expect(row).toHaveAttribute('data-injected', 'false');
    expect(row).toHaveTextContent('nonemissing');
    expect(
      within(row).getByTestId('irsa-pod-finding-POD_NOT_INJECTED'),
    ).toBeInTheDocument();
  });

  it('says when no pod runs as the service account', async () => {
    await renderInTestApp(<PodList pods={[]} />);
    expect(screen.getByTestId('irsa-pods')).toHaveTextContent(
      'No pods run as this service account right now.',
    );
  });
});
