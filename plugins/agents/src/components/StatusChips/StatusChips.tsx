import Chip, { ChipProps } from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import type {
  IsolationStatus,
  ToolSync,
} from '@pilothouse/plugin-agentops-common';

const isolationLooks: Record<
  IsolationStatus,
  { label: string; color: ChipProps['color']; meaning: string }
> = {
  ok: {
    label: 'OK',
    color: 'success',
    meaning: 'The cluster holds exactly the rendered isolation objects',
  },
  drift: {
    label: 'Drift',
    color: 'error',
    meaning: 'The cluster differs from the rendered isolation objects',
  },
  'not-deployed': {
    label: 'Not deployed',
    color: 'default',
    meaning: 'The agent’s namespace does not exist in the cluster',
  },
  invalid: {
    label: 'Invalid',
    color: 'warning',
    meaning: 'The agent’s entity cannot be rendered into manifests',
  },
  unreachable: {
    label: 'Unreachable',
    color: 'warning',
    meaning: 'The cluster could not be read',
  },
};

/** An agent's isolation status as a coloured chip: green OK, red drift. */
export function IsolationStatusChip(props: {
  status: IsolationStatus;
  size?: ChipProps['size'];
}) {
  const look = isolationLooks[props.status] ?? {
    label: props.status,
    color: 'default',
    meaning: props.status,
  };
  return (
    <Tooltip title={look.meaning}>
      <Chip
        label={look.label}
        color={look.color}
        size={props.size ?? 'small'}
        aria-label={`Isolation: ${look.label}`}
      />
    </Tooltip>
  );
}

/** Label of an isolation status in filters and sentences. */
export function isolationLabel(status: IsolationStatus) {
  return isolationLooks[status]?.label ?? status;
}

export const ISOLATION_STATUSES = Object.keys(
  isolationLooks,
) as IsolationStatus[];

const syncLooks: Record<
  ToolSync,
  { label: string; color: ChipProps['color'] }
> = {
  'in-sync': { label: 'Tools in sync', color: 'success' },
  drift: { label: 'Tool drift', color: 'error' },
  unreachable: { label: 'Server unreachable', color: 'warning' },
};

/** How an MCP server's live tools compare with its declared ones. */
export function ToolSyncChip(props: { sync?: ToolSync }) {
  if (!props.sync) {
    return <Chip label="Live tools not checked" size="small" />;
  }
  const look = syncLooks[props.sync];
  return <Chip label={look.label} color={look.color} size="small" />;
}
