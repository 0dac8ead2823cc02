import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import type { HistogramResponse } from '@pilothouse/plugin-log-search-common';
import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TimeRange } from '../../timeRange';

const HOUR = 3_600_000;

function tickFormat(intervalMs: number) {
  return (t: number) => {
    const date = new Date(t);
    if (intervalMs >= 6 * HOUR) {
      return date.toLocaleDateString(undefined, {
        month: 'short',
        day: 'numeric',
      });
    }
    return date.toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit',
    });
  };
}

function describeInterval(ms: number) {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Matches over time, errors stacked on the rest; clicking a bar narrows the
 * range to that bucket.
 */
export function LogHistogram(props: {
  histogram?: HistogramResponse;
  loading?: boolean;
  onSelectRange?: (range: TimeRange) => void;
}) {
  const theme = useTheme();
  const { histogram } = props;
  const data = useMemo(
    () =>
      (histogram?.buckets ?? []).map(bucket => ({
        t: Date.parse(bucket.t),
        errors: bucket.errors,
        other: Math.max(0, bucket.count - bucket.errors),
      })),
    [histogram],
  );

  if (!histogram) {
    return props.loading ? (
      <Skeleton
        variant="rectangular"
        height={160}
        aria-label="Loading the histogram"
      />
    ) : null;
  }
  const total = histogram.buckets.reduce((sum, b) => sum + b.count, 0);
  const errors = histogram.buckets.reduce((sum, b) => sum + b.errors, 0);
  const format = tickFormat(histogram.intervalMs);

  const select = (t: number) =>
    props.onSelectRange?.({
      from: new Date(t).toISOString(),
      to: new Date(t + histogram.intervalMs).toISOString(),
    });

  return (
    <Box component="figure" aria-label="Matches over time" sx={{ m: 0 }}>
      <Box sx={{ height: 160 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={data}
            margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
            barCategoryGap={1}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="t"
              type="category"
              tickFormatter={format}
              minTickGap={24}
              fontSize={11}
            />
            <YAxis allowDecimals={false} width={40} fontSize={11} />
            <Tooltip
              labelFormatter={label =>
                `${new Date(
                  Number(label),
                ).toLocaleString()} (+${describeInterval(
                  histogram.intervalMs,
                )})`
              }
            />
            <Legend verticalAlign="top" height={20} iconSize={10} />
            <Bar
              dataKey="errors"
              name="errors"
              stackId="matches"
              fill={theme.palette.error.main}
              cursor="pointer"
              onClick={entry => select((entry.payload as { t: number }).t)}
            />
            <Bar
              dataKey="other"
              name="other"
              stackId="matches"
              fill={theme.palette.primary.main}
              cursor="pointer"
              onClick={entry => select((entry.payload as { t: number }).t)}
            />
          </BarChart>
        </ResponsiveContainer>
      </Box>
      <Typography
        component="figcaption"
        variant="caption"
        color="text.secondary"
      >
        {total.toLocaleString()} matches, {errors.toLocaleString()} errors, per{' '}
        {describeInterval(histogram.intervalMs)}
        {props.onSelectRange ? '; click a bar to zoom in' : ''}
      </Typography>
    </Box>
  );
}
