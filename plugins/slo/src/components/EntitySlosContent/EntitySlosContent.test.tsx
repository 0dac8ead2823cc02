import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { paymentsComponent } from '../../__fixtures__/entities';
import {
  checkoutSlo,
  fakeSloApi,
  ordersSlo,
  paymentsHistory,
  paymentsRules,
  paymentsSlo,
} from '../../__fixtures__/slos';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { EntitySlosContent } from './EntitySlosContent';

function sloApiFor(items = [paymentsSlo], error?: string) {
  return fakeSloApi({
    listSlos: async () => ({ items, ...(error ? { error } : {}) }),
    getHistory: async ref => ({
      entityRef: `slo:${ref.namespace}/${ref.name}`,
      points: paymentsHistory,
    }),
    getRules: async () => paymentsRules,
  });
}

/** The cells of a table row, as text. */
function cellsOf(row: HTMLElement) {
  return Array.from(row.querySelectorAll('th, td')).map(
    cell => cell.textContent,
  );
}

describe('the SLO tab of a component', () => {
  const createObjectURL = URL.createObjectURL;
  const revokeObjectURL = URL.revokeObjectURL;
  afterEach(() => {
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = revokeObjectURL;
  });

  it('shows the burn rates per window pair and which alerts fire', async () => {
    const sloApi = sloApiFor();
    renderWithApis(<EntitySlosContent />, {
      sloApi,
      entity: paymentsComponent,
    });

    const table = await screen.findByRole('table', {
      name: 'Alerts per window pair',
    });
    expect(sloApi.listSlos).toHaveBeenCalledWith({
      targetRef: 'component:default/payments',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(cellsOf)).toEqual([
      ['Fast burn', 'page', '14.4×', '1h', '18.7×', '5m', '21.5×', 'firing'],
      ['Slow burn', 'page', '6×', '6h', '7.3×', '30m', '19.2×', 'firing'],
      ['Steady burn', 'ticket', '1×', '3d', '2.1×', '6h', '7.3×', 'firing'],
    ]);

    const byWindow = screen.getByRole('table', { name: 'Burn rate by window' });
    expect(
      within(byWindow)
        .getAllByRole('row')
        .map(row => cellsOf(row)),
    ).toEqual([
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
      ['21.5×', '19.2×', '18.7×', '12.1×', '7.3×', '4.2×', '2.1×'],
    ]);
    expect(screen.getByLabelText('Status: Burning')).toBeInTheDocument();
  });

  it('marks only the alerts whose two windows both burn too fast', async () => {
    renderWithApis(<EntitySlosContent />, {
      sloApi: sloApiFor([checkoutSlo]),
      entity: paymentsComponent,
    });
    const table = await screen.findByRole('table', {
      name: 'Alerts per window pair',
    });
    const fires = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row => cellsOf(row).at(-1));
    expect(fires).toEqual(['no', 'no', 'firing']);
  });

  it('names the windows as scaled to a shorter period', async () => {
    renderWithApis(<EntitySlosContent />, {
      sloApi: sloApiFor([ordersSlo]),
      entity: paymentsComponent,
    });
    const table = await screen.findByRole('table', {
      name: 'Alerts per window pair',
    });
    const fast = within(table).getAllByRole('row')[1];
    expect(cellsOf(fast).slice(3, 7)).toEqual([
      '14m(1h at 30 days)',
      '0.5×',
      '1m10s(5m at 30 days)',
      '0.4×',
    ]);
  });

  it('links to the service’s logs and to the assistant with the question asked', async () => {
    renderWithApis(<EntitySlosContent />, {
      sloApi: sloApiFor(),
      entity: paymentsComponent,
    });
    const logs = await screen.findByRole('link', { name: 'Logs of payments' });
    expect(logs).toHaveAttribute('href', '/logs?q=service%3Apayments');
    const ask = screen.getByRole('link', {
      name: 'Ask the assistant why payments is burning',
    });
    const url = new URL(ask.getAttribute('href')!, 'http://portal');
    expect(url.pathname).toBe('/ai-assistant');
    expect(url.searchParams.get('q')).toBe(
      'why is payments burning its error budget?',
    );
    expect(url.searchParams.get('entity')).toBe('component:default/payments');
  });

  it('shows the generated rules and downloads them as a file', async () => {
    URL.createObjectURL = jest.fn(() => 'blob:rules');
    URL.revokeObjectURL = jest.fn();
    const saved: string[] = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        saved.push(this.download);
      });
    renderWithApis(<EntitySlosContent />, {
      sloApi: sloApiFor(),
      entity: paymentsComponent,
    });

    // The code block highlights lazily, replacing the plain text once.
    await waitFor(() =>
      expect(
        screen.getByText(/slo-sli-recordings-payments-availability/),
      ).toBeInTheDocument(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Download YAML' }),
    );
    expect(saved).toEqual(['payments-availability-rules.yaml']);
    const blob = (URL.createObjectURL as jest.Mock).mock.calls[0][0] as Blob;
    expect(await blob.text()).toBe(paymentsRules);
    click.mockRestore();
  });

  it('draws the SLI and the budget burning down over the window', async () => {
    renderWithApis(<EntitySlosContent />, {
      sloApi: sloApiFor(),
      entity: paymentsComponent,
    });
    const budget = await screen.findByRole('figure', {
      name: 'Error budget remaining over the window',
    });
    await waitFor(() =>
      expect(budget.querySelector('.recharts-area-area')).not.toBeNull(),
    );
    expect(
      budget.querySelector('.recharts-area-area')!.getAttribute('d'),
    ).toMatch(/^M/);
    const sli = screen.getByRole('figure', { name: 'SLI over the window' });
    expect(sli.querySelector('.recharts-line-curve')).not.toBeNull();
  });

  it('says Prometheus is unreachable, with the time of the figures shown', async () => {
    renderWithApis(<EntitySlosContent />, {
      sloApi: sloApiFor(
        [{ ...paymentsSlo, error: 'Prometheus answered 503' }],
        'Prometheus answered 503',
      ),
      entity: paymentsComponent,
    });
    const banners = await screen.findAllByRole('alert');
    expect(banners).toHaveLength(1);
    expect(banners[0]).toHaveTextContent(
      /Prometheus could not be reached.*last evaluation, 27 Nov 2026/,
    );
  });
});
