import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import type {
  SloHistoryPoint,
  SloSummary,
} from '@pilothouse/plugin-slo-common';
import { ReactNode } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBudget, formatObjective, formatSli } from '../../figures';

interface ChartPoint {
  time: number;
  sli: number | null;
  budgetRemaining: number | null;
}

const CHART_HEIGHT = 240;

const dayTick = (time: number) =>
  new Date(time).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
  });
const tooltipTime = (time: unknown) =>
  new Date(Number(time)).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });

/** Room below the lowest value so that a line at the objective is not on the axis. */
function sliDomain(points: ChartPoint[], objective: number): [number, number] {
  const values = points.map(p => p.sli).filter((v): v is number => v !== null);
  const lowest = Math.min(objective, ...values);
  return [Math.max(0, lowest - (1 - lowest) * 0.25), 1];
}

function budgetDomain(points: ChartPoint[]): [number, number] {
  const values = points
    .map(p => p.budgetRemaining)
    .filter((v): v is number => v !== null);
  return [Math.min(0, ...values), Math.max(1, ...values)];
}

/** A chart with a name people (and tests) can find it by. */
function ChartFigure(props: { name: string; children: ReactNode }) {
  return (
    <Box component="figure" aria-label={props.name} sx={{ m: 0 }}>
      <Typography component="figcaption" variant="subtitle2" sx={{ mb: 1 }}>
        {props.name}
      </Typography>
      <ResponsiveContainer
        width="100%"
        height={CHART_HEIGHT}
        initialDimension={{ width: 480, height: CHART_HEIGHT }}
      >
        {props.children as any}
      </ResponsiveContainer>
    </Box>
  );
}

/** SLI against the objective, and the error budget burning down, over the SLO's window. */
export function SloCharts(props: {
  slo: SloSummary;
  history: { loading: boolean; error?: Error; value?: SloHistoryPoint[] };
}) {
  const theme = useTheme();
  const { slo, history } = props;
  let body: ReactNode;
  if (history.loading) {
    body = <Progress />;
  } else if (history.error) {
    body = (
      <ResponseErrorPanel
        title="The history could not be loaded"
        error={history.error}
      />
    );
  } else if (!history.value || history.value.length === 0) {
    body = (
      <Typography color="text.secondary">
        No history yet: the charts fill in as Prometheus records this SLO.
      </Typography>
    );
  } else {
    const points: ChartPoint[] = history.value.map(p => ({
      time: Date.parse(p.t),
      sli: p.sli,
      budgetRemaining: p.budgetRemaining,
    }));
    const axisColor = theme.palette.text.secondary;
    const xAxis = (
      <XAxis
        dataKey="time"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tickFormatter={dayTick}
        stroke={axisColor}
        fontSize={12}
      />
    );
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <ChartFigure name="SLI over the window">
            <LineChart data={points}>
              <CartesianGrid strokeDasharray="3 3" />
              {xAxis}
              <YAxis
                domain={sliDomain(points, slo.objective)}
                tickFormatter={v => formatSli(Number(v))}
                stroke={axisColor}
                fontSize={12}
                width={72}
              />
              <Tooltip
                labelFormatter={tooltipTime}
                formatter={v => [formatSli(Number(v)), 'SLI']}
              />
              <ReferenceLine
                y={slo.objective}
                stroke={theme.palette.warning.main}
                strokeDasharray="6 3"
                label={{
                  value: `target ${formatObjective(slo.objective)}`,
                  position: 'insideBottomRight',
                  fill: axisColor,
                  fontSize: 12,
                }}
              />
              <Line
                type="monotone"
                dataKey="sli"
                name="SLI"
                stroke={theme.palette.primary.main}
                dot={false}
                connectNulls={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ChartFigure>
        </Grid>
        <Grid item xs={12} md={6}>
          <ChartFigure name="Error budget remaining over the window">
            <AreaChart data={points}>
              <CartesianGrid strokeDasharray="3 3" />
              {xAxis}
              <YAxis
                domain={budgetDomain(points)}
                tickFormatter={v => formatBudget(Number(v))}
                stroke={axisColor}
                fontSize={12}
                width={56}
              />
              <Tooltip
                labelFormatter={tooltipTime}
                formatter={v => [formatBudget(Number(v)), 'Budget remaining']}
              />
              <ReferenceLine y={0} stroke={theme.palette.error.main} />
              <Area
                type="monotone"
                dataKey="budgetRemaining"
                name="Budget remaining"
                stroke={theme.palette.secondary.main}
                fill={theme.palette.secondary.main}
                fillOpacity={0.25}
                isAnimationActive={false}
              />
            </AreaChart>
          </ChartFigure>
        </Grid>
      </Grid>
    );
  }
  return <InfoCard title="SLI and error budget">{body}</InfoCard>;
}
