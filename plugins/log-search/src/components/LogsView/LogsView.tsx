import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import type {
  LogEvent,
  SearchResponse,
} from '@pilothouse/plugin-log-search-common';
import { RiRefreshLine } from '@remixicon/react';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { logSearchApiRef } from '../../api';
import { describeError } from '../../describeError';
import { queryProblemOf, refineQuery, scopedQuery } from '../../query';
import { describeRange, rangeFromParams, TimeRange } from '../../timeRange';
import { LogHistogram } from '../LogHistogram/LogHistogram';
import { LogResultsTable } from '../LogResultsTable/LogResultsTable';
import { QueryBar } from '../QueryBar/QueryBar';
import { SavedSearches } from '../SavedSearches/SavedSearches';
import { TimeRangePicker } from '../TimeRangePicker/TimeRangePicker';

const PAGE_SIZE = 100;
const HISTOGRAM_BUCKETS = 60;
/** Live tail keeps this many of the newest events on screen. */
const TAIL_KEEP = 500;

type TailState =
  | { status: 'connecting' }
  | { status: 'live' }
  | { status: 'ended' }
  | { status: 'failed'; error: unknown };

function isQueryError(error: unknown) {
  return ResponseError.is(error) && error.statusCode === 400;
}

/** Streams matching events while `enabled`, newest first. */
function useLiveTail(query: string, enabled: boolean, restart: number) {
  const api = useApi(logSearchApiRef);
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [state, setState] = useState<TailState>({ status: 'connecting' });

  useEffect(() => {
    if (!enabled) return undefined;
    const controller = new AbortController();
    setEvents([]);
    setState({ status: 'connecting' });
    api
      .tail(query, {
        signal: controller.signal,
        onOpen: () => setState({ status: 'live' }),
        onEvent: event =>
          setEvents(previous => [event, ...previous].slice(0, TAIL_KEEP)),
      })
      .then(() => {
        if (!controller.signal.aborted) setState({ status: 'ended' });
      })
      .catch(error => {
        if (!controller.signal.aborted) setState({ status: 'failed', error });
      });
    return () => controller.abort();
  }, [api, query, enabled, restart]);

  return { events, state };
}

/**
 * Search, histogram, results and live tail for one query; the query, range
 * and tail switch live in the URL (`?q=&from=&to=&tail=1`) so a view can be
 * linked to. `scope` (a component's own `service:<name>`) is put in front of
 * whatever the person types.
 */
export function LogsView(props: {
  scope?: string;
  /** Says what the scope is, above the query bar. */
  scopeLabel?: string;
}) {
  const api = useApi(logSearchApiRef);
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const range = rangeFromParams(params);
  const tail = params.get('tail') === '1';
  const sent = scopedQuery(props.scope, query);
  const [refresh, setRefresh] = useState(0);

  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      setParams(
        previous => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === '') next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: false },
      );
    },
    [setParams],
  );

  const setQuery = (next: string) => {
    if (next === query) setRefresh(r => r + 1);
    update({ q: next });
  };
  const setRange = (next: TimeRange) =>
    update({ from: next.from, to: next.to });
  const addTerm = (term: string) => setQuery(refineQuery(query, term));

  // The first page; "Load more" appends the next ones.
  const [more, setMore] = useState<SearchResponse[]>([]);
  const first = useAsync(async () => {
    setMore([]);
    return api.search({
      q: sent,
      from: range.from,
      to: range.to,
      limit: PAGE_SIZE,
    });
  }, [api, sent, range.from, range.to, refresh]);
  const histogram = useAsync(
    () =>
      api.histogram({
        q: sent,
        from: range.from,
        to: range.to,
        buckets: HISTOGRAM_BUCKETS,
      }),
    [api, sent, range.from, range.to, refresh],
  );
  const last = more.length ? more[more.length - 1] : first.value;
  const [nextPage, loadMore] = useAsyncFn(async () => {
    if (!last?.nextCursor) return;
    const page = await api.search({
      q: sent,
      from: range.from,
      to: range.to,
      limit: PAGE_SIZE,
      cursor: last.nextCursor,
    });
    setMore(pages => [...pages, page]);
  }, [api, sent, range.from, range.to, last]);

  const [tailRestart, setTailRestart] = useState(0);
  const live = useLiveTail(sent, tail, tailRestart);

  const events = [
    ...(first.value?.events ?? []),
    ...more.flatMap(page => page.events),
  ];
  const searchError = first.error ?? histogram.error;
  const tailError =
    live.state.status === 'failed' ? live.state.error : undefined;
  const problemSource = [searchError, tail ? tailError : undefined].find(
    isQueryError,
  );

  let results: JSX.Element;
  if (tail) {
    results = (
      <Stack spacing={1}>
        <Typography variant="body2" role="status">
          {live.state.status === 'connecting' && 'Connecting the live tail…'}
          {live.state.status === 'live' &&
            `Live: ${live.events.length} new matching event${
              live.events.length === 1 ? '' : 's'
            } since the tail started (newest first).`}
          {live.state.status === 'ended' && 'The live tail ended.'}
        </Typography>
        {(live.state.status === 'ended' ||
          (!!tailError && !isQueryError(tailError))) && (
          <Alert
            severity={tailError ? 'error' : 'info'}
            action={
              <Button size="small" onClick={() => setTailRestart(r => r + 1)}>
                Reconnect
              </Button>
            }
          >
            {tailError
              ? `The live tail stopped: ${describeError(tailError)}`
              : 'The server closed the stream.'}
          </Alert>
        )}
        {live.events.length > 0 && (
          <LogResultsTable
            events={live.events}
            onAddTerm={addTerm}
            label="Live events"
          />
        )}
      </Stack>
    );
  } else if (first.loading) {
    results = <LinearProgress aria-label="Searching" />;
  } else if (first.error) {
    results = isQueryError(first.error) ? (
      <></>
    ) : (
      <Alert severity="error">
        The search failed: {describeError(first.error)}
      </Alert>
    );
  } else if (events.length === 0) {
    results = (
      <Alert severity="info">
        No events match {sent ? <code>{sent}</code> : 'anything'} in{' '}
        {describeRange(range).toLocaleLowerCase()}. Widen the time range or
        loosen the query.
      </Alert>
    );
  } else {
    const total = first.value!;
    results = (
      <Stack spacing={1}>
        <Typography variant="body2" role="status">
          {total.totalIsLowerBound ? 'More than ' : ''}
          {total.total.toLocaleString()} matching event
          {total.total === 1 ? '' : 's'}; showing {events.length}.
        </Typography>
        <LogResultsTable events={events} onAddTerm={addTerm} />
        {nextPage.error && (
          <Alert severity="error">
            The next page failed: {describeError(nextPage.error)}
          </Alert>
        )}
        {last?.nextCursor && (
          <Box>
            <Button onClick={loadMore} disabled={nextPage.loading}>
              Load more
            </Button>
          </Box>
        )}
      </Stack>
    );
  }

  return (
    <Stack spacing={2}>
      {props.scopeLabel && (
        <Typography variant="body2" color="text.secondary">
          {props.scopeLabel}
        </Typography>
      )}
      <QueryBar
        query={query}
        onSearch={setQuery}
        problem={problemSource ? queryProblemOf(problemSource) : undefined}
        sentQuery={sent}
        placeholder={props.scope ? 'level:error AND "timeout"' : undefined}
      />
      <Stack
        direction="row"
        spacing={2}
        alignItems="center"
        useFlexGap
        flexWrap="wrap"
      >
        <TimeRangePicker range={range} onChange={setRange} />
        <FormControlLabel
          control={
            <Switch
              checked={tail}
              onChange={event =>
                update({ tail: event.target.checked ? '1' : undefined })
              }
            />
          }
          label="Live tail"
        />
        <Button
          size="small"
          startIcon={<RiRefreshLine size={16} />}
          onClick={() => setRefresh(r => r + 1)}
        >
          Refresh
        </Button>
        <Box sx={{ flex: 1 }} />
        <SavedSearches
          query={query}
          range={range}
          onLoad={(savedQuery, savedRange) =>
            update({
              q: savedQuery,
              from: savedRange.from,
              to: savedRange.to,
            })
          }
        />
      </Stack>
      {histogram.error && !isQueryError(histogram.error) && (
        <Alert severity="warning">
          The histogram could not be drawn: {describeError(histogram.error)}
        </Alert>
      )}
      <LogHistogram
        histogram={histogram.error ? undefined : histogram.value}
        loading={histogram.loading}
        onSelectRange={setRange}
      />
      {results}
    </Stack>
  );
}
