import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { QuotaUsage } from '@pilothouse/plugin-llm-gateway-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { llmGatewayApiRef } from '../../api';
import { GatewayAccessGate } from '../GatewayAccess';

/** Current use of each user's and team's quotas. */
export function QuotasTab() {
  return (
    <GatewayAccessGate>
      <Quotas />
    </GatewayAccessGate>
  );
}

type Meter = { used: number; limit: number };

function share(meter: Meter) {
  return meter.limit > 0 ? meter.used / meter.limit : 0;
}

function UsageBar(props: { meter: Meter; label: string; unit: string }) {
  const { meter, label, unit } = props;
  if (meter.limit <= 0) {
    return (
      <Typography variant="body2">
        {meter.used.toLocaleString()} {unit}, no limit
      </Typography>
    );
  }
  const percent = Math.round(share(meter) * 100);
  let color: 'success' | 'warning' | 'error' = 'success';
  if (percent >= 100) color = 'error';
  else if (percent >= 80) color = 'warning';
  return (
    <Box sx={{ minWidth: 180 }}>
      <LinearProgress
        variant="determinate"
        value={Math.min(percent, 100)}
        color={color}
        aria-label={label}
        sx={{ height: 8, borderRadius: 4 }}
      />
      <Typography variant="body2" sx={{ mt: 0.5 }}>
        {meter.used.toLocaleString()} of {meter.limit.toLocaleString()} {unit} (
        {percent}%)
      </Typography>
    </Box>
  );
}

function QuotaTable(props: {
  title: string;
  rows: QuotaUsage[];
  emptyText: string;
}) {
  const rows = [...props.rows].sort(
    (a, b) =>
      Math.max(share(b.requestsPerMinute), share(b.tokensPerDay)) -
      Math.max(share(a.requestsPerMinute), share(a.tokensPerDay)),
  );
  return (
    <InfoCard title={props.title}>
      {rows.length === 0 ? (
        <Typography color="text.secondary">{props.emptyText}</Typography>
      ) : (
        <Table size="small" aria-label={props.title}>
          <TableHead>
            <TableRow>
              <TableCell>Who</TableCell>
              <TableCell>Requests this minute</TableCell>
              <TableCell>Tokens today</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <TableRow key={`${row.scope}:${row.subject}`}>
                <TableCell>{row.subject}</TableCell>
                <TableCell>
                  <UsageBar
                    meter={row.requestsPerMinute}
                    label={`${row.subject} requests this minute`}
                    unit="requests"
                  />
                </TableCell>
                <TableCell>
                  <UsageBar
                    meter={row.tokensPerDay}
                    label={`${row.subject} tokens today`}
                    unit="tokens"
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

function Quotas() {
  const api = useApi(llmGatewayApiRef);
  const quotas = useAsyncRetry(() => api.listQuotas(), [api]);
  const [filter, setFilter] = useState('');

  if (quotas.loading && !quotas.value) return <Progress />;
  if (quotas.error) {
    return (
      <ResponseErrorPanel
        title="Could not load the quotas"
        error={quotas.error}
      />
    );
  }
  const all = quotas.value ?? [];
  if (all.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No quota usage yet"
        description="Usage appears here once people or teams make model calls through the gateway."
      />
    );
  }
  const needle = filter.trim().toLowerCase();
  const shown = all.filter(q => q.subject.toLowerCase().includes(needle));

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} sx={{ display: 'flex', gap: 2, alignItems: 'center' }}>
        <TextField
          size="small"
          label="Filter by user or team"
          value={filter}
          onChange={event => setFilter(event.target.value)}
        />
        <Button onClick={quotas.retry} disabled={quotas.loading}>
          Refresh
        </Button>
      </Grid>
      <Grid item xs={12} lg={6}>
        <QuotaTable
          title="Teams"
          rows={shown.filter(q => q.scope === 'team')}
          emptyText={
            needle
              ? `No teams match “${filter.trim()}”.`
              : `No teams have used the gateway yet.`
          }
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <QuotaTable
          title="Users"
          rows={shown.filter(q => q.scope === 'user')}
          emptyText={
            needle
              ? `No users match “${filter.trim()}”.`
              : `No users have used the gateway yet.`
          }
        />
      </Grid>
      {all.some(q => q.scope === 'service') && (
        // Calls made with a service's own credentials, not on a person's behalf.
        <Grid item xs={12} lg={6}>
          <QuotaTable
            title="Services"
            rows={shown.filter(q => q.scope === 'service')}
            emptyText={`No services match “${filter.trim()}”.`}
          />
        </Grid>
      )}
    </Grid>
  );
}
