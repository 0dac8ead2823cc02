import Chip, { ChipProps } from '@mui/material/Chip';
import type {
  AuditRecord,
  Decision,
} from '@pilothouse/plugin-llm-gateway-common';

const looks: Record<
  AuditRecord['decision'],
  { label: string; color: ChipProps['color'] }
> = {
  allow: { label: 'Allowed', color: 'success' },
  deny: { label: 'Denied', color: 'error' },
  ask: { label: 'Needs approval', color: 'warning' },
  block: { label: 'Blocked', color: 'error' },
  error: { label: 'Error', color: 'default' },
};

/** A gateway decision as a coloured chip: green allowed, red denied or blocked. */
export function DecisionChip(props: {
  decision: Decision | AuditRecord['decision'];
  size?: ChipProps['size'];
}) {
  const look = looks[props.decision] ?? {
    label: props.decision,
    color: 'default',
  };
  return <Chip label={look.label} color={look.color} size={props.size} />;
}
