import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { allSlos, fakeSloApi, paymentsSlo } from '../../__fixtures__/slos';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { SlosPage } from './SlosPage';

/** The SLO titles of the table's rows, top to bottom. */
function shownSlos() {
  return within(screen.getByRole('table'))
    .getAllByRole('row')
    .map(row => within(row).queryAllByRole('link')[0]?.textContent)
    .filter(Boolean);
}

function rowOf(title: string) {
  return screen.getByRole('link', { name: title }).closest('tr')!;
}

describe('the SLOs page', () => {
  it('lists every SLO with its figures, who is in trouble first', async () => {
    const sloApi = fakeSloApi({ listSlos: async () => ({ items: allSlos }) });
    renderWithApis(<SlosPage />, { sloApi });

    await screen.findByRole('link', { name: 'Payments availability' });
    // Burning, then warning, then the least budget left; unknown budgets last.
    expect(shownSlos()).toEqual([
      'Payments availability',
      'Checkout latency',
      'Orders availability',
      'Inventory availability',
      'Notifications delivery',
    ]);

    const payments = within(rowOf('Payments availability'));
    expect(
      payments.getByRole('link', { name: 'payments' }),
    ).toBeInTheDocument();
    expect(payments.getByText('99.9%')).toBeInTheDocument();
    expect(payments.getByText('99.62%')).toBeInTheDocument();
    expect(
      payments.getByRole('progressbar', { name: 'Budget remaining: -280%' }),
    ).toBeInTheDocument();
    expect(payments.getByText('21.5×')).toBeInTheDocument();
    expect(payments.getByText('5m')).toBeInTheDocument();
    expect(payments.getByText('18.7×')).toBeInTheDocument();
    expect(payments.getByLabelText('Status: Burning')).toBeInTheDocument();
    expect(
      payments.getByText('page-fast, page-slow, ticket'),
    ).toBeInTheDocument();
    expect(
      payments.getByRole('link', { name: 'payments-team' }),
    ).toBeInTheDocument();
    expect(
      payments.getByRole('link', { name: 'payments-platform' }),
    ).toBeInTheDocument();

    const checkout = within(rowOf('Checkout latency'));
    expect(checkout.getByLabelText('Status: Warning')).toBeInTheDocument();
    expect(checkout.getByText('ticket')).toBeInTheDocument();
    expect(
      checkout.getByText('calendar month (since 1 Nov 2026, UTC)'),
    ).toBeInTheDocument();

    const notifications = within(rowOf('Notifications delivery'));
    expect(notifications.getByText('no traffic')).toBeInTheDocument();
    expect(notifications.getByText('unknown')).toBeInTheDocument();
    expect(notifications.getByLabelText('Status: Unknown')).toBeInTheDocument();
    expect(
      screen.queryByText('Prometheus could not be reached'),
    ).not.toBeInTheDocument();
  });

  it('narrows the list by owner and system', async () => {
    const sloApi = fakeSloApi({ listSlos: async () => ({ items: allSlos }) });
    renderWithApis(<SlosPage />, { sloApi });
    await screen.findByRole('link', { name: 'Payments availability' });

    await userEvent.click(screen.getByRole('combobox', { name: 'Owner' }));
    await userEvent.click(
      screen.getByRole('option', { name: 'checkout-team' }),
    );
    expect(shownSlos()).toEqual([
      'Checkout latency',
      'Orders availability',
      'Inventory availability',
    ]);

    await userEvent.click(screen.getByRole('combobox', { name: 'System' }));
    await userEvent.click(
      screen.getByRole('option', { name: 'payments-platform' }),
    );
    expect(
      screen.getByText(/No SLO matches these filters/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(shownSlos()).toHaveLength(5);
  });

  it('takes its filters from the address, so a filtered view can be shared', async () => {
    const sloApi = fakeSloApi({ listSlos: async () => ({ items: allSlos }) });
    renderWithApis(<SlosPage />, {
      sloApi,
      url: '/slos?system=system:default/storefront&owner=group:default/checkout-team',
    });
    await screen.findByRole('link', { name: 'Checkout latency' });
    expect(shownSlos()).toEqual([
      'Checkout latency',
      'Orders availability',
      'Inventory availability',
    ]);
    expect(screen.getByRole('combobox', { name: 'System' })).toHaveTextContent(
      'storefront',
    );
  });

  it('says when Prometheus could not be reached, and how old the figures are', async () => {
    const sloApi = fakeSloApi({
      listSlos: async () => ({
        items: allSlos.map(slo => ({
          ...slo,
          error: 'connect ECONNREFUSED 127.0.0.1:9090',
        })),
        error: 'connect ECONNREFUSED 127.0.0.1:9090',
      }),
    });
    renderWithApis(<SlosPage />, { sloApi });

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('Prometheus could not be reached');
    expect(banner).toHaveTextContent(
      /The figures below are from the last evaluation, 27 Nov 2026/,
    );
    expect(banner).toHaveTextContent('connect ECONNREFUSED 127.0.0.1:9090');
    // The last figures still show, in the same order.
    expect(shownSlos()[0]).toBe(paymentsSlo.title);
  });

  it('shows the server’s error when the list cannot be loaded', async () => {
    const sloApi = fakeSloApi({
      listSlos: async () => {
        throw new Error('the SLO backend is not installed');
      },
    });
    renderWithApis(<SlosPage />, { sloApi });
    // The error panel says it, and keeps the stack behind a toggle.
    expect(
      (await screen.findAllByText(/the SLO backend is not installed/))[0],
    ).toBeVisible();
  });

  it('explains how to add SLOs when there are none', async () => {
    const sloApi = fakeSloApi({ listSlos: async () => ({ items: [] }) });
    renderWithApis(<SlosPage />, { sloApi });
    expect(
      await screen.findByText(/There are no SLOs in the catalog yet/),
    ).toBeInTheDocument();
  });
});
