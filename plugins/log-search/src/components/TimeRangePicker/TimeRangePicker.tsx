import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Popover from '@mui/material/Popover';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { RiCalendarLine } from '@remixicon/react';
import { useState } from 'react';
import {
  describeRange,
  RELATIVE_RANGES,
  relativeOf,
  resolveBound,
  TimeRange,
} from '../../timeRange';

/** `<input type="datetime-local">` speaks local time without a zone. */
function toLocalInput(date: Date) {
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(value: string) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function AbsoluteRangeForm(props: {
  range: TimeRange;
  onApply: (range: TimeRange) => void;
}) {
  const [from, setFrom] = useState(
    toLocalInput(resolveBound(props.range.from)),
  );
  const [to, setTo] = useState(toLocalInput(resolveBound(props.range.to)));
  const fromDate = fromLocalInput(from);
  const toDate = fromLocalInput(to);
  let problem: string | undefined;
  if (!fromDate || !toDate) problem = 'Pick both ends of the range.';
  else if (fromDate >= toDate) problem = 'The start must be before the end.';
  return (
    <Box
      component="form"
      sx={{ p: 2 }}
      aria-label="Absolute time range"
      onSubmit={event => {
        event.preventDefault();
        if (fromDate && toDate && !problem) {
          props.onApply({
            from: fromDate.toISOString(),
            to: toDate.toISOString(),
          });
        }
      }}
    >
      <Stack spacing={2}>
        <TextField
          type="datetime-local"
          label="From"
          size="small"
          value={from}
          onChange={event => setFrom(event.target.value)}
          InputLabelProps={{ shrink: true }}
        />
        <TextField
          type="datetime-local"
          label="To"
          size="small"
          value={to}
          onChange={event => setTo(event.target.value)}
          InputLabelProps={{ shrink: true }}
        />
        {problem && (
          <Typography variant="body2" color="error">
            {problem}
          </Typography>
        )}
        <Button type="submit" variant="contained" disabled={!!problem}>
          Apply
        </Button>
      </Stack>
    </Box>
  );
}

/** Relative ranges with one click; an absolute one in a small form. */
export function TimeRangePicker(props: {
  range: TimeRange;
  onChange: (range: TimeRange) => void;
}) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const relative = relativeOf(props.range);
  return (
    <Stack
      direction="row"
      spacing={1}
      alignItems="center"
      role="group"
      aria-label="Time range"
    >
      <ToggleButtonGroup
        size="small"
        exclusive
        value={relative ?? null}
        onChange={(_event, value: string | null) => {
          if (value) props.onChange({ from: `now-${value}` });
        }}
      >
        {RELATIVE_RANGES.map(option => (
          <ToggleButton
            key={option.value}
            value={option.value}
            aria-label={option.label}
          >
            {option.value}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <Button
        size="small"
        variant={relative ? 'text' : 'outlined'}
        startIcon={<RiCalendarLine size={16} />}
        onClick={event => setAnchor(event.currentTarget)}
      >
        {relative ? 'Absolute…' : describeRange(props.range)}
      </Button>
      <Popover
        open={!!anchor}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
      >
        <AbsoluteRangeForm
          range={props.range}
          onApply={range => {
            setAnchor(null);
            props.onChange(range);
          }}
        />
      </Popover>
    </Stack>
  );
}
