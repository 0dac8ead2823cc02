import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { agentSummaries, fakeAgentsApi } from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { AgentsPage } from './AgentsPage';

function rowOf(name: string) {
  return screen.getByRole('link', { name }).closest('tr')! as HTMLElement;
}

function shownNames() {
  const table = screen.getByRole('table', { name: 'Agents and MCP servers' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).queryAllByRole('link')[0]?.textContent);
}

describe('the Agents page', () => {
  it('lists agents and MCP servers with owner, model, namespace, tools, destructive capability and isolation', async () => {
    const agentsApi = fakeAgentsApi({ listAgents: async () => agentSummaries });
    renderWithApis(<AgentsPage />, { agentsApi });

    expect(
      await screen.findByRole('link', { name: 'Incident triage agent' }),
    ).toBeInTheDocument();
    expect(shownNames()).toEqual([
      'Cost report agent',
      'Incident triage agent',
      'Release agent',
      'AWS MCP server',
      'CI/CD MCP server',
      'Kubernetes MCP server',
    ]);

    const triage = rowOf('Incident triage agent');
    expect(
      within(triage).getByRole('link', { name: 'sre' }),
    ).toBeInTheDocument();
    expect(
      within(triage).getByText('local/pilothouse-local'),
    ).toBeInTheDocument();
    expect(
      within(triage).getByText('agent-incident-triage'),
    ).toBeInTheDocument();
    // scale_deployment is listed but destructive, and this agent may not call
    // destructive tools: two Kubernetes tools and one AWS tool remain.
    expect(within(triage).getByText('3')).toBeInTheDocument();
    expect(within(triage).getByText('no')).toBeInTheDocument();
    expect(
      await within(triage).findByLabelText('Isolation: OK'),
    ).toBeInTheDocument();

    const release = rowOf('Release agent');
    expect(within(release).getByText('yes')).toBeInTheDocument();
    expect(
      within(release).getByLabelText('Isolation: Drift'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('Cost report agent')).getByLabelText(
        'Isolation: Not deployed',
      ),
    ).toBeInTheDocument();

    const kubernetes = rowOf('Kubernetes MCP server');
    expect(within(kubernetes).getByText('MCP server')).toBeInTheDocument();
    expect(within(kubernetes).getByText('cluster')).toBeInTheDocument();
    expect(within(kubernetes).getByText('4')).toBeInTheDocument();
    expect(within(kubernetes).getByText('yes')).toBeInTheDocument();
  });

  it('narrows the rows with its filters', async () => {
    const agentsApi = fakeAgentsApi({ listAgents: async () => agentSummaries });
    renderWithApis(<AgentsPage />, { agentsApi });
    await screen.findByLabelText('Isolation: Drift');

    await userEvent.click(screen.getByRole('combobox', { name: 'Isolation' }));
    await userEvent.click(screen.getByRole('option', { name: 'Drift' }));
    expect(shownNames()).toEqual(['Release agent']);

    await userEvent.click(screen.getByRole('combobox', { name: 'Isolation' }));
    await userEvent.click(screen.getByRole('option', { name: 'Any' }));
    await userEvent.click(screen.getByRole('combobox', { name: 'Owner' }));
    await userEvent.click(screen.getByRole('option', { name: 'sre' }));
    expect(shownNames()).toEqual(['Incident triage agent']);

    await userEvent.click(
      screen.getByRole('combobox', { name: 'Destructive-capable' }),
    );
    await userEvent.click(screen.getByRole('option', { name: 'yes' }));
    expect(
      screen.getByText(/Nothing matches these filters/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(shownNames()).toHaveLength(6);
  });

  it('takes its filters from the address, so a filtered view can be shared', async () => {
    const agentsApi = fakeAgentsApi({ listAgents: async () => agentSummaries });
    renderWithApis(<AgentsPage />, {
      agentsApi,
      url: '/?kind=mcpserver&destructive=yes',
    });
    await screen.findByRole('link', { name: 'Kubernetes MCP server' });
    expect(shownNames()).toEqual(['CI/CD MCP server', 'Kubernetes MCP server']);
    expect(screen.getByRole('combobox', { name: 'Kind' })).toHaveTextContent(
      'MCP server',
    );
  });

  it('still lists the entities when the isolation check fails, and says so', async () => {
    const agentsApi = fakeAgentsApi({
      listAgents: async () => {
        throw new Error('the cluster did not answer');
      },
    });
    renderWithApis(<AgentsPage />, { agentsApi });
    expect(
      await screen.findByText(
        /The agents’ isolation could not be checked: the cluster did not answer/,
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('Release agent')).getByText('unknown'),
    ).toBeInTheDocument();
  });
});
