import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  fakeGatewayApi,
  renderGatewayTab,
} from '../../__testUtils__/renderGatewayTab';
import { QuotasTab } from './QuotasTab';

describe('QuotasTab', () => {
  it('shows usage per team and user, fullest first, and filters by name', async () => {
    const api = fakeGatewayApi({
      listQuotas: async () => [
        {
          subject: 'user:default/alice',
          scope: 'user',
          requestsPerMinute: { used: 3, limit: 30 },
          tokensPerDay: { used: 1000, limit: 100000 },
        },
        {
          subject: 'user:default/bob',
          scope: 'user',
          requestsPerMinute: { used: 30, limit: 30 },
          tokensPerDay: { used: 5000, limit: 100000 },
        },
        {
          subject: 'group:default/payments-team',
          scope: 'team',
          requestsPerMinute: { used: 33, limit: 300 },
          tokensPerDay: { used: 850000, limit: 1000000 },
        },
      ],
    });
    renderGatewayTab(<QuotasTab />, { api });

    const users = await screen.findByRole('table', { name: 'Users' });
    const rows = within(users).getAllByRole('row').slice(1);
    expect(
      rows.map(row => (row as HTMLTableRowElement).cells[0].textContent),
    ).toEqual(['user:default/bob', 'user:default/alice']);
    expect(
      screen.getByRole('progressbar', {
        name: 'user:default/bob requests this minute',
      }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(within(rows[0]).getByText('30 of 30 requests (100%)')).toBeVisible();

    const teams = screen.getByRole('table', { name: 'Teams' });
    expect(
      within(teams).getByText('850,000 of 1,000,000 tokens (85%)'),
    ).toBeVisible();

    await userEvent.click(
      screen.getByRole('textbox', { name: 'Filter by user or team' }),
    );
    await userEvent.paste('alice');
    expect(within(users).getAllByRole('row')).toHaveLength(2);
    expect(
      screen.queryByRole('table', { name: 'Teams' }),
    ).not.toBeInTheDocument();
    expect(screen.getByText('No teams match “alice”.')).toBeVisible();
  });
});
