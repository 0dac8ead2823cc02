import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { FindingAction } from '@pilothouse/plugin-llm-gateway-common';

export const FINDING_ACTIONS: { value: FindingAction; label: string }[] = [
  { value: 'allow', label: 'Allow (count only)' },
  { value: 'mask', label: 'Mask (****1111)' },
  { value: 'redact', label: 'Redact ([EMAIL_1])' },
  { value: 'hash', label: 'Hash ([EMAIL:3f9a…])' },
  { value: 'block', label: 'Block the request' },
];

/** What happens to a finding's text, as a select. */
export function ActionSelect(props: {
  label: string;
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
      {FINDING_ACTIONS.map(action => (
        <MenuItem key={action.value} value={action.value}>
          {action.label}
        </MenuItem>
      ))}
    </TextField>
  );
}
