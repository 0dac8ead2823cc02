import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { SloSummary } from '@pilothouse/plugin-slo-common';
import { formatBudget, formatEvaluatedAt } from '../../figures';

const statusWords: Record<
  SloSummary['status'],
  { label: string; color: 'error' | 'warning' | 'success' | 'default' }
> = {
  burning: { label: 'Burning', color: 'error' },
  warning: { label: 'Warning', color: 'warning' },
  ok: { label: 'OK', color: 'success' },
  unknown: { label: 'Unknown', color: 'default' },
};

export function statusLabel(status: SloSummary['status']) {
  return statusWords[status].label;
}

/** Burning (a page alert fires), Warning (a ticket), OK or Unknown. */
export function SloStatusChip(props: { status: SloSummary['status'] }) {
  const { label, color } = statusWords[props.status];
  return (
    <Chip
      size="small"
      label={label}
      color={color}
      variant={props.status === 'ok' ? 'outlined' : 'filled'}
      aria-label={`Status: ${label}`}
    />
  );
}

function budgetColor(remaining: number) {
  if (remaining < 0.25) return 'error';
  if (remaining < 0.5) return 'warning';
  return 'success';
}

/** The error budget left, as a bar and a figure; an overspent budget shows an empty red bar. */
export function BudgetBar(props: { remaining: number | null }) {
  const { remaining } = props;
  const text = formatBudget(remaining);
  if (remaining === null) {
    return (
      <Typography variant="body2" color="text.secondary">
        {text}
      </Typography>
    );
  }
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 140 }}>
      <LinearProgress
        variant="determinate"
        value={Math.max(0, Math.min(1, remaining)) * 100}
        color={budgetColor(remaining)}
        aria-label={`Budget remaining: ${text}`}
        sx={{ flex: 1, height: 8, borderRadius: 4 }}
      />
      <Typography variant="body2" sx={{ minWidth: 48, textAlign: 'right' }}>
        {text}
      </Typography>
    </Box>
  );
}

/**
 * Said when the backend could not reach Prometheus: the figures shown are
 * the last evaluation's, and this says when that was.
 */
export function PrometheusUnreachable(props: {
  error: string;
  evaluatedAt?: string;
}) {
  return (
    <Alert severity="error" role="alert">
      <AlertTitle>Prometheus could not be reached</AlertTitle>
      {props.evaluatedAt
        ? `The figures below are from the last evaluation, ${formatEvaluatedAt(
            props.evaluatedAt,
          )}. `
        : 'No evaluation has succeeded yet, so there are no figures to show. '}
      <Typography component="span" variant="body2" color="text.secondary">
        ({props.error})
      </Typography>
    </Alert>
  );
}
