import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  fakeAgentsApi,
  incidentTriage,
  isolationReports,
  releaseAgent,
} from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { IsolationContent } from './IsolationContent';

describe('an agent’s Isolation tab', () => {
  it('shows drift with what differs in the cluster', async () => {
    const agentsApi = fakeAgentsApi({
      getIsolation: async () => isolationReports['agent:default/release-agent'],
    });
    renderWithApis(<IsolationContent />, { agentsApi, entity: releaseAgent });

    expect(
      await screen.findByLabelText('Isolation: Drift'),
    ).toBeInTheDocument();
    const differences = screen.getByRole('table', { name: 'Differences' });
    const role = within(differences)
      .getByText('Role payments/pilothouse-agent-release-agent')
      .closest('tr')!;
    expect(within(role).getByText('grants more')).toBeInTheDocument();
    expect(
      within(role).getByText(/grants delete on apps\/deployments/),
    ).toBeInTheDocument();
    expect(
      within(differences).getByText(/does not deny egress/),
    ).toBeInTheDocument();
    expect(agentsApi.getIsolation).toHaveBeenCalledWith({
      kind: 'Agent',
      namespace: 'default',
      name: 'release-agent',
    });

    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(agentsApi.getIsolation).toHaveBeenCalledTimes(2);
  });

  it('shows an agent deployed as rendered as OK, with the rendering notes', async () => {
    const agentsApi = fakeAgentsApi({
      getIsolation: async () =>
        isolationReports['agent:default/incident-triage'],
    });
    renderWithApis(<IsolationContent />, { agentsApi, entity: incidentTriage });

    expect(await screen.findByLabelText('Isolation: OK')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Differences' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText(/kubernetes is cluster-scoped/),
    ).toBeInTheDocument();
  });
});
