import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { FindingAction } from '@pilothouse/plugin-llm-gateway-common';

/** The actions, each with what it makes of a finding of `type`. */
function findingActions(
  type: string,
): { value: FindingAction; label: string }[] {
  return [
    { value: 'allow', label: 'Allow (count only)' },
    { value: 'mask', label: 'Mask (****1111)' },
    { value: 'redact', label: `Redact ([${type}_1])` },
    { value: 'hash', label: `Hash ([${type}:3f9a…])` },
    { value: 'block', label: 'Block the request' },
  ];
}

/** What happens to a finding's text, as a select. */
export function ActionSelect(props: {
  label: string;
  /** The finding type, shown in the examples of redact and hash. */
  type?: string;
  value: FindingAction;
  onChange: (action: FindingAction) => void;
  disabled?: boolean;
  fullWidth?: boolean;
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.value}
      disabled={props.disabled}
      fullWidth={props.fullWidth}
      onChange={event => props.onChange(event.target.value as FindingAction)}
      sx={{ minWidth: 190 }}
    >
      {findingActions(props.type || 'TYPE').map(action => (
        <MenuItem key={action.value} value={action.value}>
          {action.label}
        </MenuItem>
      ))}
    </TextField>
  );
}
