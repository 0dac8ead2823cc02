import { screen, within } from '@testing-library/react';
import {
  fakeGatewayApi,
  renderGatewayTab,
} from '../../__testUtils__/renderGatewayTab';
import { ProvidersTab } from './ProvidersTab';

describe('ProvidersTab', () => {
  it('shows each provider with its models, data class and health', async () => {
    const api = fakeGatewayApi({
      listProviders: async () => [
        {
          id: 'local-ollama',
          type: 'local',
          models: ['llama3.1:8b'],
          maxDataClass: 'restricted',
          local: true,
          healthy: true,
        },
        {
          id: 'anthropic',
          type: 'anthropic',
          models: ['claude-sonnet', 'claude-haiku'],
          maxDataClass: 'internal',
          local: false,
          healthy: false,
          lastError: 'connect ETIMEDOUT',
        },
      ],
    });
    renderGatewayTab(<ProvidersTab />, { api });

    const table = await screen.findByRole('table', { name: 'Providers' });
    const anthropic = within(table).getByRole('row', { name: /anthropic/ });
    expect(within(anthropic).getByText('Unhealthy')).toBeInTheDocument();
    expect(
      within(anthropic).getByText('connect ETIMEDOUT'),
    ).toBeInTheDocument();
    expect(within(anthropic).getByText('claude-haiku')).toBeInTheDocument();
    expect(within(anthropic).getByText('internal')).toBeInTheDocument();
    const local = within(table).getByRole('row', { name: /local-ollama/ });
    expect(within(local).getByText('Healthy')).toBeInTheDocument();
    expect(screen.getByText(/^1 of 2 healthy/)).toBeInTheDocument();
  });

  it('says so when no provider is configured', async () => {
    renderGatewayTab(<ProvidersTab />, {
      api: fakeGatewayApi({ listProviders: async () => [] }),
    });
    expect(
      await screen.findByText('No providers configured'),
    ).toBeInTheDocument();
  });
});
