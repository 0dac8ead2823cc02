import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type {
  ToolCallRecord,
  ToolCallStatus,
} from '@pilothouse/plugin-ai-assistant-common';
import { RiArrowDownSLine, RiArrowUpSLine } from '@remixicon/react';
import { useId, useState } from 'react';
import type { ListedApproval } from '../../api';

const STATUS: Record<
  ToolCallStatus,
  { label: string; color: 'default' | 'success' | 'error' | 'warning' | 'info' }
> = {
  running: { label: 'Running', color: 'info' },
  done: { label: 'Done', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
  denied: { label: 'Denied', color: 'error' },
  awaiting_approval: { label: 'Needs approval', color: 'warning' },
  rejected: { label: 'Rejected', color: 'error' },
  expired: { label: 'Expired', color: 'default' },
};

function Code(props: { label: string; children: string }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary">
        {props.label}
      </Typography>
      <Box
        component="pre"
        aria-label={props.label}
        sx={{
          m: 0,
          p: 1,
          bgcolor: 'action.hover',
          borderRadius: 1,
          overflowX: 'auto',
          fontSize: '0.8rem',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
        }}
      >
        {props.children}
      </Box>
    </Box>
  );
}

/** What the approval card says to someone who may not decide. */
function waitingText(approval: ListedApproval | undefined, call: ToolCallRecord) {
  const mode = approval?.mode ?? call.approvalMode;
  if (mode === 'confirm') return 'Waiting for your confirmation';
  return 'Waiting for an approver: a second person must approve this call';
}

/**
 * One tool call: collapsed to its name, status and summary; open to its
 * arguments and result. A call waiting for approval shows Approve / Reject
 * to those the gateway lets decide, and its status to everyone else.
 */
export function ToolCallCard(props: {
  call: ToolCallRecord;
  approval?: ListedApproval;
  disabled?: boolean;
  onDecide(approvalId: string, decision: 'approve' | 'reject'): void;
  onUndo(callId: string): void;
}) {
  const { call, approval, disabled } = props;
  const awaiting = call.status === 'awaiting_approval';
  const [open, setOpen] = useState(awaiting);
  const detailsId = useId();
  const status = STATUS[call.status];
  const pending = awaiting && (!approval || approval.status === 'pending');

  return (
    <Paper
      variant="outlined"
      component="section"
      aria-label={`Tool call ${call.tool}`}
      sx={{ p: 1.5, my: 1 }}
    >
      <Stack direction="row" alignItems="center" spacing={1}>
        <Typography
          variant="body2"
          sx={{ fontFamily: 'monospace', fontWeight: 600 }}
        >
          {call.tool}
        </Typography>
        <Chip size="small" label={status.label} color={status.color} />
        {call.undoes && <Chip size="small" label="Undo" variant="outlined" />}
        <Box sx={{ flex: 1 }} />
        {call.undo && call.status === 'done' && (
          <Button
            size="small"
            variant="outlined"
            disabled={disabled}
            title={call.undo.description}
            onClick={() => props.onUndo(call.id)}
          >
            Undo
          </Button>
        )}
        <IconButton
          size="small"
          aria-label={open ? 'Hide details' : 'Show details'}
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen(!open)}
        >
          {open ? <RiArrowUpSLine size={18} /> : <RiArrowDownSLine size={18} />}
        </IconButton>
      </Stack>
      {call.summary && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          {call.summary}
        </Typography>
      )}
      {call.error && (
        <Typography variant="body2" color="error" sx={{ mt: 0.5 }}>
          {call.error}
        </Typography>
      )}
      <Collapse in={open} id={detailsId}>
        <Stack spacing={1} sx={{ mt: 1 }}>
          <Code label="Arguments">{JSON.stringify(call.arguments, null, 2)}</Code>
          {call.result !== undefined && <Code label="Result">{call.result}</Code>}
        </Stack>
      </Collapse>
      {awaiting && (
        <Box
          role="group"
          aria-label="Approval"
          sx={{ mt: 1, p: 1, bgcolor: 'warning.light', borderRadius: 1, color: 'warning.contrastText' }}
        >
          {approval?.reason && (
            <Typography variant="body2" sx={{ mb: 1 }}>
              {approval.reason}
            </Typography>
          )}
          {pending && approval?.canDecide ? (
            <Stack direction="row" spacing={1}>
              <Button
                variant="contained"
                color="primary"
                size="small"
                disabled={disabled}
                onClick={() => props.onDecide(approval.id, 'approve')}
              >
                Approve
              </Button>
              <Button
                variant="outlined"
                color="inherit"
                size="small"
                disabled={disabled}
                onClick={() => props.onDecide(approval.id, 'reject')}
              >
                Reject
              </Button>
            </Stack>
          ) : (
            <Typography variant="body2" role="status">
              {pending
                ? waitingText(approval, call)
                : `The approval was ${approval?.status}${
                    approval?.decidedBy ? ` by ${approval.decidedBy}` : ''
                  }; continuing…`}
            </Typography>
          )}
        </Box>
      )}
    </Paper>
  );
}
