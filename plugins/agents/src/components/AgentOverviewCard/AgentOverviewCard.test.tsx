import { screen, within } from '@testing-library/react';
import {
  fakeAgentsApi,
  isolationReports,
  releaseAgent,
} from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { AgentOverviewCard } from './AgentOverviewCard';

function field(label: string) {
  const card = screen.getByRole('table', { name: 'Agent' });
  return within(card).getByText(label).closest('tr')! as HTMLElement;
}

describe('an agent’s overview card', () => {
  it('shows its model, owner, data class, approvals, MCP servers and isolation', async () => {
    renderWithApis(<AgentOverviewCard />, {
      agentsApi: fakeAgentsApi({
        getIsolation: async () =>
          isolationReports['agent:default/release-agent'],
      }),
      entity: releaseAgent,
    });

    expect(
      await within(field('Isolation')).findByLabelText('Isolation: Drift'),
    ).toBeInTheDocument();
    expect(
      within(field('Isolation')).getByText(/2 differences/),
    ).toBeInTheDocument();
    expect(
      within(field('Model')).getByText('claude-sonnet (anthropic)'),
    ).toBeInTheDocument();
    expect(
      within(field('Owner')).getByRole('link', { name: 'platform-team' }),
    ).toBeInTheDocument();
    expect(
      within(field('Data classification')).getByText('internal'),
    ).toBeInTheDocument();
    expect(
      within(field('Approvals')).getByText(/a second person approves/),
    ).toBeInTheDocument();
    expect(
      within(field('Approvals')).getByRole('link', { name: 'sre' }),
    ).toBeInTheDocument();
    const servers = within(field('MCP servers'));
    expect(servers.getByRole('link', { name: 'cicd' })).toBeInTheDocument();
    expect(
      servers.getByRole('link', { name: 'kubernetes' }),
    ).toBeInTheDocument();
  });
});
