import { InfoCard } from '@backstage/core-components';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  BURN_WINDOWS,
  SloAlertState,
  SloSummary,
} from '@pilothouse/plugin-slo-common';
import { formatBurnRate } from '../../figures';

const alertWords: Record<SloAlertState['name'], string> = {
  'page-fast': 'Fast burn',
  'page-slow': 'Slow burn',
  ticket: 'Steady burn',
};

/**
 * The window as Prometheus evaluates it for this SLO's period, with its name
 * at a 30-day period when scaling changed it (`56m`, "1h at 30 days").
 */
function WindowCell(props: { name: string; duration?: string }) {
  const scaled = props.duration && props.duration !== props.name;
  return (
    <TableCell>
      {scaled ? props.duration : props.name}
      {scaled && (
        <Typography component="div" variant="caption" color="text.secondary">
          ({props.name} at 30 days)
        </Typography>
      )}
    </TableCell>
  );
}

function BurnRateCell(props: { value: number | null; threshold: number }) {
  const over = props.value !== null && props.value > props.threshold;
  return (
    <TableCell
      align="right"
      sx={over ? { color: 'error.main', fontWeight: 'bold' } : undefined}
    >
      {formatBurnRate(props.value)}
    </TableCell>
  );
}

/**
 * The multi-window multi-burn-rate alerts of the SRE workbook: each fires
 * when both its long and its short window burn faster than its threshold.
 */
export function BurnRateTable(props: { slo: SloSummary }) {
  const { slo } = props;
  const windows = BURN_WINDOWS.filter(w => w in slo.burnRates);
  return (
    <InfoCard
      title="Burn rates"
      subheader="1× spends exactly the error budget over the SLO's window; an alert fires when both of its windows burn faster than its threshold."
    >
      <Stack spacing={2}>
        <TableContainer component={Paper} variant="outlined">
          <Table size="small" aria-label="Burn rate by window">
            <TableHead>
              <TableRow>
                {windows.map(w => (
                  <TableCell key={w} align="right">
                    {w}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              <TableRow>
                {windows.map(w => (
                  <TableCell key={w} align="right">
                    {formatBurnRate(slo.burnRates[w])}
                  </TableCell>
                ))}
              </TableRow>
            </TableBody>
          </Table>
        </TableContainer>
        <TableContainer component={Paper} variant="outlined">
          <Table
            size="small"
            aria-label="Alerts per window pair"
            sx={{ '& th, & td': { whiteSpace: 'nowrap' } }}
          >
            <TableHead>
              <TableRow>
                <TableCell>Alert</TableCell>
                <TableCell>Severity</TableCell>
                <TableCell align="right">Threshold</TableCell>
                <TableCell>Long window</TableCell>
                <TableCell align="right">Burn rate</TableCell>
                <TableCell>Short window</TableCell>
                <TableCell align="right">Burn rate</TableCell>
                <TableCell>Fires</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {slo.alerts.length === 0 && (
                <TableRow>
                  <TableCell colSpan={8}>
                    <Typography variant="body2" color="text.secondary">
                      No alerts evaluated yet.
                    </Typography>
                  </TableCell>
                </TableRow>
              )}
              {slo.alerts.map(alert => (
                <TableRow key={alert.name}>
                  <TableCell component="th" scope="row">
                    {alertWords[alert.name] ?? alert.name}
                  </TableCell>
                  <TableCell>{alert.severity}</TableCell>
                  <TableCell align="right">
                    {formatBurnRate(alert.threshold)}
                  </TableCell>
                  <WindowCell
                    name={alert.longWindow}
                    duration={alert.longDuration}
                  />
                  <BurnRateCell
                    value={alert.longBurnRate}
                    threshold={alert.threshold}
                  />
                  <WindowCell
                    name={alert.shortWindow}
                    duration={alert.shortDuration}
                  />
                  <BurnRateCell
                    value={alert.shortBurnRate}
                    threshold={alert.threshold}
                  />
                  <TableCell>
                    {alert.firing ? (
                      <Chip
                        size="small"
                        color={alert.severity === 'page' ? 'error' : 'warning'}
                        label="firing"
                      />
                    ) : (
                      <Chip size="small" variant="outlined" label="no" />
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </Stack>
    </InfoCard>
  );
}
