import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  allowedBinding,
  deniedBinding,
  ISSUER,
  PROVIDER_ARN,
} from '../__fixtures__/bindings';
import { TrustDiagram } from './TrustDiagram';

describe('TrustDiagram', () => {
  it('draws principal → action → conditions with ✗ on the sub the token does not match', async () => {
    await renderInTestApp(<TrustDiagram verdict={deniedBinding.verdict!} />);
    expect(screen.getByTestId('irsa-trust-token')).toHaveTextContent(
      'sub = system:serviceaccount:orders:orders-worker and aud = sts.amazonaws.com',
    );
    const statement = screen.getByTestId('irsa-trust-diagram-statement-0');
    expect(statement).toHaveAttribute('data-applies', 'false');
    expect(statement).toHaveTextContent(
      'Statement 0: Allow, does not apply to this service account',
    );
    const steps = within(statement).getAllByRole('listitem');
    const principal = within(statement).getByTestId(
      'irsa-trust-node-principal',
    );
    expect(principal).toHaveAttribute('data-outcome', 'matched');
    expect(principal).toHaveTextContent(`Federated: ${PROVIDER_ARN}`);
    expect(within(principal).getByLabelText('matched')).toHaveTextContent('✓');
    expect(
      within(statement).getByTestId('irsa-trust-node-action'),
    ).toHaveAttribute('data-outcome', 'matched');
    const [sub, aud] = within(statement).getAllByTestId(
      'irsa-trust-node-condition',
    );
    expect(sub).toHaveAttribute('data-outcome', 'not-matched');
    expect(sub).toHaveTextContent('StringEquals …:sub');
    expect(sub).toHaveAttribute('title', `StringEquals ${ISSUER}:sub`);
    expect(sub).toHaveTextContent(
      'expectssystem:serviceaccount:order:orders-worker',
    );
    expect(sub).toHaveTextContent(
      'the token carriessystem:serviceaccount:orders:orders-worker',
    );
    expect(within(sub).getByLabelText('not matched')).toHaveTextContent('✗');
    expect(aud).toHaveAttribute('data-outcome', 'matched');
    expect(aud).toHaveTextContent('the token carriessts.amazonaws.com');
    // principal, action, two conditions; arrows between them only.
    expect(steps).toHaveLength(4);
    expect(statement.textContent?.match(/→/g)).toHaveLength(3);
  });

  it('marks every step ✓ when the statement lets the token in', async () => {
    await renderInTestApp(<TrustDiagram verdict={allowedBinding.verdict!} />);
    const statement = screen.getByTestId('irsa-trust-diagram-statement-0');
    expect(statement).toHaveAttribute('data-applies', 'true');
    expect(within(statement).queryByLabelText('not matched')).toBeNull();
    expect(within(statement).getAllByLabelText('matched')).toHaveLength(4);
  });

  it('says when the verdict carries no explanation', async () => {
    const { statements, ...verdict } = deniedBinding.verdict!;
    expect(statements).toBeDefined();
    await renderInTestApp(<TrustDiagram verdict={verdict} />);
    expect(screen.getByTestId('irsa-trust-diagram')).toHaveTextContent(
      'No per-statement explanation was computed for this verdict.',
    );
  });
});
