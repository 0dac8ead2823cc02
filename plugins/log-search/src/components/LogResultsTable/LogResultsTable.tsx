import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import type { LogEvent, Severity } from '@pilothouse/plugin-log-search-common';
import {
  RiArrowDownSLine,
  RiArrowRightSLine,
  RiIndeterminateCircleLine,
} from '@remixicon/react';
import { Fragment, useState } from 'react';
import { eventFields, fieldTerm, formatValue } from '../../query';

const SEVERITY_COLOR: Record<
  Severity,
  'default' | 'info' | 'warning' | 'error'
> = {
  trace: 'default',
  debug: 'default',
  info: 'info',
  warn: 'warning',
  error: 'error',
  fatal: 'error',
};

export function SeverityChip(props: { severity: Severity }) {
  return (
    <Chip
      size="small"
      variant="outlined"
      label={props.severity}
      color={SEVERITY_COLOR[props.severity] ?? 'default'}
    />
  );
}

/** Every field of one event; a value's click adds `field:value` to the query. */
function EventFields(props: {
  event: LogEvent;
  onAddTerm?: (term: string) => void;
}) {
  const fields = eventFields(props.event);
  return (
    <Table size="small" aria-label={`Fields of event ${props.event.id}`}>
      <TableBody>
        {fields.map(field => {
          const text = formatValue(field.value);
          const term =
            field.searchable && typeof field.value !== 'object'
              ? fieldTerm(field.name, field.value as string | number | boolean)
              : undefined;
          return (
            <TableRow key={field.name}>
              <TableCell
                component="th"
                scope="row"
                sx={{
                  fontFamily: 'monospace',
                  width: '25%',
                  verticalAlign: 'top',
                }}
              >
                {field.name}
              </TableCell>
              <TableCell
                sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
              >
                {term && props.onAddTerm ? (
                  <>
                    <Tooltip title={`Add ${term} to the query`}>
                      <Link
                        component="button"
                        type="button"
                        aria-label={`Filter on ${term}`}
                        onClick={() => props.onAddTerm?.(term)}
                        sx={{ fontFamily: 'monospace', textAlign: 'left' }}
                      >
                        {text}
                      </Link>
                    </Tooltip>
                    <Tooltip title={`Add NOT ${term} to the query`}>
                      <IconButton
                        size="small"
                        aria-label={`Exclude ${term}`}
                        onClick={() => props.onAddTerm?.(`NOT ${term}`)}
                        sx={{ ml: 0.5, p: 0.25 }}
                      >
                        <RiIndeterminateCircleLine size={14} />
                      </IconButton>
                    </Tooltip>
                  </>
                ) : (
                  <Box component="span" sx={{ whiteSpace: 'pre-wrap' }}>
                    {text}
                  </Box>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function EventRow(props: {
  event: LogEvent;
  onAddTerm?: (term: string) => void;
}) {
  const { event } = props;
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <TableRow
        hover
        sx={{ '& > td': { borderBottom: open ? 'unset' : undefined } }}
        onClick={() => setOpen(o => !o)}
      >
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={open ? 'Hide the fields' : 'Show all fields'}
            aria-expanded={open}
            onClick={e => {
              e.stopPropagation();
              setOpen(o => !o);
            }}
          >
            {open ? (
              <RiArrowDownSLine size={18} />
            ) : (
              <RiArrowRightSLine size={18} />
            )}
          </IconButton>
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap', fontFamily: 'monospace' }}>
          {new Date(event.timestamp).toLocaleString()}
        </TableCell>
        <TableCell>
          <SeverityChip severity={event.severity} />
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          {event.service ?? '—'}
        </TableCell>
        <TableCell
          sx={{
            fontFamily: 'monospace',
            maxWidth: 0,
            width: '60%',
            overflow: 'hidden',
            textOverflow: 'ellipsis',
            whiteSpace: 'nowrap',
          }}
          title={event.message}
        >
          {event.message}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell colSpan={5} sx={{ py: 0 }}>
          <Collapse in={open} timeout="auto" unmountOnExit>
            <Box sx={{ my: 1 }}>
              <EventFields event={event} onAddTerm={props.onAddTerm} />
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/** Log events, newest first, each row opening to all its fields. */
export function LogResultsTable(props: {
  events: LogEvent[];
  /** Given, field values become links that refine the query. */
  onAddTerm?: (term: string) => void;
  label?: string;
}) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table size="small" aria-label={props.label ?? 'Log events'}>
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox" />
            <TableCell>Time</TableCell>
            <TableCell>Level</TableCell>
            <TableCell>Service</TableCell>
            <TableCell>Message</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.events.map(event => (
            <EventRow
              key={event.id}
              event={event}
              onAddTerm={props.onAddTerm}
            />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
