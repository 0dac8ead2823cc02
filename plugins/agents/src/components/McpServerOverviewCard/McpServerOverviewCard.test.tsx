import { screen, within } from '@testing-library/react';
import { fakeAgentsApi, kubernetesServer } from '../../__fixtures__/entities';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { McpServerOverviewCard } from './McpServerOverviewCard';

function field(label: string) {
  const card = screen.getByRole('table', { name: 'MCP server' });
  return within(card).getByText(label).closest('tr')! as HTMLElement;
}

describe('an MCP server’s overview card', () => {
  it('shows how it runs, its tools, their live state and the agents that use it', async () => {
    renderWithApis(<McpServerOverviewCard />, {
      agentsApi: fakeAgentsApi(),
      entity: kubernetesServer,
    });

    expect(
      await within(field('Used by')).findByRole('link', {
        name: 'incident-triage',
      }),
    ).toBeInTheDocument();
    expect(
      within(field('Used by')).getByRole('link', { name: 'release-agent' }),
    ).toBeInTheDocument();
    expect(within(field('Transport')).getByText('stdio')).toBeInTheDocument();
    expect(
      within(field('Acts on')).getByText('the whole cluster'),
    ).toBeInTheDocument();
    expect(
      within(field('Declared tools')).getByText('4 (2 destructive)'),
    ).toBeInTheDocument();
    expect(
      within(field('Live tools')).getByText('Tool drift'),
    ).toBeInTheDocument();
    expect(
      within(field('Live tools')).getByText('4 listed by the running server'),
    ).toBeInTheDocument();
  });
});
