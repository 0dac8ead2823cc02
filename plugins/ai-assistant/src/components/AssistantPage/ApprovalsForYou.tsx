import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { aiAssistantApiRef } from '../../api';
import { describeAssistantError, toAssistantError } from '../../describeError';

/** Refreshes the list while the page is open, for requests made meanwhile. */
const REFRESH_MS = 15_000;

/**
 * Tool calls other people asked for that this user may decide: what the
 * approver's notification leads to (their conversations are not shown).
 */
export function ApprovalsForYou(props: { highlight?: string }) {
  const api = useApi(aiAssistantApiRef);
  const identityApi = useApi(identityApiRef);
  const [decideError, setDecideError] = useState<string>();
  const [deciding, setDeciding] = useState<string>();
  const [state, load] = useAsyncFn(async () => {
    const [approvals, identity] = await Promise.all([
      api.listApprovals(),
      identityApi.getBackstageIdentity(),
    ]);
    return approvals.filter(
      a =>
        a.canDecide &&
        a.status === 'pending' &&
        a.requester !== identity.userEntityRef,
    );
  }, [api, identityApi]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const decide = async (id: string, decision: 'approve' | 'reject') => {
    setDeciding(id);
    setDecideError(undefined);
    try {
      await api.decideApproval(id, decision);
    } catch (error) {
      setDecideError(describeAssistantError(toAssistantError(error)));
    } finally {
      setDeciding(undefined);
      load();
    }
  };

  if (state.error) {
    return (
      <Alert severity="error">
        Approvals could not be loaded:{' '}
        {describeAssistantError(toAssistantError(state.error))}
      </Alert>
    );
  }
  const approvals = state.value ?? [];
  if (approvals.length === 0) return null;

  return (
    <Box component="section" aria-label="Approvals waiting for you">
      <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
        Approvals waiting for you
      </Typography>
      {decideError && (
        <Alert severity="error" sx={{ mb: 1 }}>
          {decideError}
        </Alert>
      )}
      <Stack spacing={1}>
        {approvals.map(approval => (
          <Paper
            key={approval.id}
            variant="outlined"
            component="section"
            aria-label={`Approval for ${approval.tool}`}
            sx={{
              p: 1.5,
              borderColor:
                approval.id === props.highlight ? 'warning.main' : undefined,
            }}
          >
            <Typography variant="body2">
              <strong>{approval.requester}</strong> asks to run{' '}
              <code>{approval.tool}</code>
              {approval.entityRef ? ` on ${approval.entityRef}` : ''}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {approval.reason}
            </Typography>
            <Box
              component="pre"
              aria-label="Arguments"
              sx={{
                p: 1,
                my: 1,
                bgcolor: 'action.hover',
                borderRadius: 1,
                fontSize: '0.8rem',
                whiteSpace: 'pre-wrap',
              }}
            >
              {JSON.stringify(approval.arguments, null, 2)}
            </Box>
            <Stack direction="row" spacing={1}>
              <Button
                variant="contained"
                size="small"
                disabled={deciding === approval.id}
                onClick={() => decide(approval.id, 'approve')}
              >
                Approve
              </Button>
              <Button
                variant="outlined"
                size="small"
                disabled={deciding === approval.id}
                onClick={() => decide(approval.id, 'reject')}
              >
                Reject
              </Button>
            </Stack>
          </Paper>
        ))}
      </Stack>
    </Box>
  );
}
