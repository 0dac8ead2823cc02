import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import {
  screen,
  waitFor,
  waitForElementToBeRemoved,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { logSearchApiRef, TailOptions } from '../../api';
import {
  fakeLogSearchApi,
  paymentsErrors,
  paymentsHistogram,
  queryError,
} from '../../__fixtures__/logs';
import { LogsView } from './LogsView';

function renderLogs(
  api: ReturnType<typeof fakeLogSearchApi>,
  url: string,
  props: { scope?: string } = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[logSearchApiRef, api]]}>
      <LogsView {...props} />
    </TestApiProvider>,
    { initialRouteEntries: [url] },
  );
}

function answering(events: LogEvent[] = paymentsErrors) {
  return fakeLogSearchApi({
    search: async () => ({ events, total: events.length }),
    histogram: async () => paymentsHistogram,
  });
}

const paymentsErrorsUrl = `/logs?${new URLSearchParams({
  q: 'service:payments AND level:error',
})}`;

describe('LogsView', () => {
  it('runs the query of the URL and shows the matches and the histogram', async () => {
    const api = answering();
    await renderLogs(api, paymentsErrorsUrl);

    const table = await screen.findByRole('table', { name: 'Log events' });
    expect(
      within(table).getByText('charge failed: upstream timeout after 30s'),
    ).toBeInTheDocument();
    expect(
      within(table).getByText('database connection refused'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('2 matching events; showing 2.'),
    ).toBeInTheDocument();
    const histogram = screen.getByRole('figure', { name: 'Matches over time' });
    expect(histogram).toHaveTextContent('5 matches, 2 errors, per 1 min');
    expect(screen.getByRole('textbox', { name: 'Query' })).toHaveValue(
      'service:payments AND level:error',
    );
    expect(api.search).toHaveBeenCalledWith(
      expect.objectContaining({
        q: 'service:payments AND level:error',
        from: 'now-1h',
      }),
    );
    expect(api.histogram).toHaveBeenCalledWith(
      expect.objectContaining({ q: 'service:payments AND level:error' }),
    );
  });

  it('shows a query the server could not parse with where it went wrong', async () => {
    // What log-search-backend answers: the reason, and the 0-based offset.
    const error = await queryError(
      "Query syntax error at position 22 (near 'level:'): a field without a value",
      { position: 21 },
    );
    const api = fakeLogSearchApi({
      search: async () => {
        throw error;
      },
      histogram: async () => {
        throw error;
      },
    });
    await renderLogs(
      api,
      `/logs?${new URLSearchParams({ q: 'service:payments AND level:' })}`,
    );

    const alert = await screen.findByRole('alert', { name: 'Query error' });
    expect(alert).toHaveTextContent(
      "Query syntax error at position 22 (near 'level:'): a field without a value",
    );
    const pointer = within(alert).getByLabelText('Error at position 22');
    expect(pointer.textContent).toBe(
      `service:payments AND level:\n${' '.repeat(21)}^`,
    );
    expect(
      screen.queryByRole('table', { name: 'Log events' }),
    ).not.toBeInTheDocument();
  });

  it('finds the position in the message when the error carries none', async () => {
    const error = await queryError('Unbalanced parenthesis at position 1');
    const api = fakeLogSearchApi({
      search: async () => {
        throw error;
      },
      histogram: async () => paymentsHistogram,
    });
    await renderLogs(
      api,
      `/logs?${new URLSearchParams({ q: '(level:error' })}`,
    );
    const alert = await screen.findByRole('alert', { name: 'Query error' });
    expect(
      within(alert).getByLabelText('Error at position 1').textContent,
    ).toBe('(level:error\n^');
  });

  it('opens a row to all its fields, and a field’s value refines the query', async () => {
    const api = answering();
    await renderLogs(api, paymentsErrorsUrl);
    const table = await screen.findByRole('table', { name: 'Log events' });

    await userEvent.click(
      within(table).getAllByRole('button', { name: 'Show all fields' })[0],
    );
    const fields = await screen.findByRole('table', {
      name: 'Fields of event e1',
    });
    for (const text of [
      'k8s.pod.name',
      'payments-7d9f-abcde',
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '504',
    ]) {
      expect(within(fields).getByText(text)).toBeInTheDocument();
    }

    await userEvent.click(
      within(fields).getByRole('button', {
        name: 'Filter on k8s.namespace.name:payments-prod',
      }),
    );
    const refined =
      'service:payments AND level:error AND k8s.namespace.name:payments-prod';
    await waitFor(() =>
      expect(api.search).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: refined }),
      ),
    );
    expect(screen.getByRole('textbox', { name: 'Query' })).toHaveValue(refined);

    // A value that needs quotes gets them.
    await userEvent.click(
      within(
        await screen.findByRole('table', { name: 'Log events' }),
      ).getAllByRole('button', { name: 'Show all fields' })[0],
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Exclude entityRef:"component:default/payments"',
      }),
    );
    await waitFor(() =>
      expect(api.search).toHaveBeenLastCalledWith(
        expect.objectContaining({
          q: `${refined} AND NOT entityRef:"component:default/payments"`,
        }),
      ),
    );
  });

  it('a relative range and the tail switch go through the URL to the searches', async () => {
    let tailOptions: TailOptions | undefined;
    const api = fakeLogSearchApi({
      search: async () => ({ events: paymentsErrors, total: 2 }),
      histogram: async () => paymentsHistogram,
      tail: (_q, options) =>
        new Promise<void>(resolve => {
          tailOptions = options;
          options.signal?.addEventListener('abort', () => resolve());
        }),
    });
    await renderLogs(api, paymentsErrorsUrl);
    await screen.findByRole('table', { name: 'Log events' });

    await userEvent.click(
      screen.getByRole('button', { name: 'Last 15 minutes' }),
    );
    await waitFor(() =>
      expect(api.search).toHaveBeenLastCalledWith(
        expect.objectContaining({ from: 'now-15m' }),
      ),
    );

    await userEvent.click(screen.getByRole('checkbox', { name: 'Live tail' }));
    await waitFor(() => expect(api.tail).toHaveBeenCalled());
    expect(api.tail.mock.calls[0][0]).toBe('service:payments AND level:error');
    tailOptions!.onOpen?.();
    tailOptions!.onEvent({
      ...paymentsErrors[0],
      id: 'live-1',
      message: 'a brand new timeout',
    });
    const live = await screen.findByRole('table', { name: 'Live events' });
    expect(within(live).getByText('a brand new timeout')).toBeInTheDocument();
    expect(
      screen.getByText(/Live: 1 new matching event since/),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Live tail' }));
    await waitFor(() => expect(tailOptions!.signal?.aborted).toBe(true));
  });

  it('on a component, puts the component’s scope in front of the query', async () => {
    const api = answering();
    await renderLogs(
      api,
      `/logs?${new URLSearchParams({ q: 'level:error' })}`,
      {
        scope: 'service:payments',
      },
    );
    await screen.findByRole('table', { name: 'Log events' });
    expect(api.search).toHaveBeenCalledWith(
      expect.objectContaining({ q: 'service:payments AND (level:error)' }),
    );
    expect(screen.getByRole('textbox', { name: 'Query' })).toHaveValue(
      'level:error',
    );
  });

  it('saves the search with its range, and loads a saved one', async () => {
    const api = fakeLogSearchApi({
      search: async () => ({ events: paymentsErrors, total: 2 }),
      histogram: async () => paymentsHistogram,
      saveSearch: async request => ({
        id: 's1',
        ...request,
        owner: 'user:default/carol',
        createdAt: '2026-11-27T10:05:00Z',
      }),
      listSavedSearches: async () => [
        {
          id: 's0',
          name: 'Audit denials',
          query: 'source:audit AND decision:deny',
          range: '24h',
          owner: 'user:default/carol',
          createdAt: '2026-11-26T10:05:00Z',
        },
      ],
    });
    await renderLogs(api, paymentsErrorsUrl);
    await screen.findByRole('table', { name: 'Log events' });

    await userEvent.click(screen.getByRole('button', { name: 'Save search' }));
    await userEvent.type(
      await screen.findByRole('textbox', { name: 'Name' }),
      'Payments errors',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.saveSearch).toHaveBeenCalledWith({
        name: 'Payments errors',
        query: 'service:payments AND level:error',
        range: '1h',
      }),
    );
    await waitForElementToBeRemoved(() => screen.queryByRole('dialog'));

    await userEvent.click(
      screen.getByRole('button', { name: 'Saved searches' }),
    );
    await userEvent.click(await screen.findByText('Audit denials'));
    await waitFor(() =>
      expect(api.search).toHaveBeenLastCalledWith(
        expect.objectContaining({
          q: 'source:audit AND decision:deny',
          from: 'now-24h',
        }),
      ),
    );
  });
});
