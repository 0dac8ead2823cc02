import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Link from '@mui/material/Link';
import Popover from '@mui/material/Popover';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { RiQuestionLine, RiSearchLine } from '@remixicon/react';
import { FormEvent, useEffect, useState } from 'react';
import type { QueryProblem } from '../../query';

const EXAMPLES: Array<{ query: string; meaning: string }> = [
  {
    query: 'service:payments AND level:error AND "timeout"',
    meaning: 'errors of the payments service that say “timeout”',
  },
  {
    query: 'level:error OR level:fatal',
    meaning: 'either level',
  },
  {
    query: 'service:payments AND NOT level:debug',
    meaning: 'everything from payments except debug lines',
  },
  {
    query: 'k8s.namespace.name:prod-*',
    meaning: 'a wildcard: * any characters, ? one character',
  },
  {
    query: 'http.status_code:[500 TO 599]',
    meaning: 'a range, bounds included ({500 TO 599} leaves them out)',
  },
  {
    query: 'eventName:"DeleteTrail" AND source:jsonl',
    meaning: 'a phrase in quotes; fields are flattened with dots',
  },
];

/** The language in brief, with examples a click puts in the query bar. */
function SyntaxHelp(props: { onPick: (query: string) => void }) {
  return (
    <Box sx={{ p: 2, maxWidth: 560 }} role="dialog" aria-label="Query syntax">
      <Typography variant="h6" component="h2" gutterBottom>
        Query syntax
      </Typography>
      <Typography variant="body2" paragraph>
        Lucene-style: <code>field:value</code> terms and free text, combined
        with <code>AND</code>, <code>OR</code>, <code>NOT</code> and
        parentheses. Fields are the ones an expanded result lists (
        <code>service</code>, <code>level</code>, <code>message</code>,{' '}
        <code>entityRef</code>, <code>source</code> and every attribute, such as{' '}
        <code>k8s.namespace.name</code>). An empty query matches everything in
        the time range.
      </Typography>
      <Table size="small" aria-label="Query examples">
        <TableBody>
          {EXAMPLES.map(example => (
            <TableRow key={example.query}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <Link
                  component="button"
                  type="button"
                  onClick={() => props.onPick(example.query)}
                  sx={{ fontFamily: 'monospace', textAlign: 'left' }}
                >
                  {example.query}
                </Link>
              </TableCell>
              <TableCell>{example.meaning}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** The query with a caret under where the server stopped understanding it. */
function ProblemPointer(props: { query: string; position: number }) {
  const position = Math.min(props.position, props.query.length);
  return (
    <Box
      component="pre"
      aria-label={`Error at position ${position + 1}`}
      sx={{
        m: 0,
        mt: 1,
        fontFamily: 'monospace',
        whiteSpace: 'pre',
        overflowX: 'auto',
      }}
    >
      {props.query}
      {'\n'}
      {' '.repeat(position)}^
    </Box>
  );
}

/**
 * The query input: Enter searches, the ? button explains the language, and a
 * query the server could not parse is shown with where it went wrong.
 */
export function QueryBar(props: {
  /** The query the results are for. */
  query: string;
  onSearch: (query: string) => void;
  problem?: QueryProblem;
  /** The query as sent, when it differs from what the person typed (a scope). */
  sentQuery?: string;
  placeholder?: string;
}) {
  const [draft, setDraft] = useState(props.query);
  const [helpAnchor, setHelpAnchor] = useState<HTMLElement | null>(null);

  // A field click or a saved search changes the query from outside.
  useEffect(() => setDraft(props.query), [props.query]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSearch(draft.trim());
  };

  const problemQuery = props.sentQuery ?? props.query;
  return (
    <Stack spacing={1}>
      <Box component="form" role="search" onSubmit={submit}>
        <Stack direction="row" spacing={1} alignItems="center">
          <TextField
            fullWidth
            size="small"
            label="Query"
            value={draft}
            placeholder={
              props.placeholder ??
              'service:payments AND level:error AND "timeout"'
            }
            onChange={event => setDraft(event.target.value)}
            error={!!props.problem}
            inputProps={{
              spellCheck: false,
              style: { fontFamily: 'monospace' },
            }}
            InputProps={{
              endAdornment: (
                <InputAdornment position="end">
                  <IconButton
                    size="small"
                    aria-label="Query syntax help"
                    onClick={event => setHelpAnchor(event.currentTarget)}
                  >
                    <RiQuestionLine size={18} />
                  </IconButton>
                </InputAdornment>
              ),
            }}
          />
          <Button
            type="submit"
            variant="contained"
            startIcon={<RiSearchLine size={16} />}
          >
            Search
          </Button>
        </Stack>
      </Box>
      <Popover
        open={!!helpAnchor}
        anchorEl={helpAnchor}
        onClose={() => setHelpAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
      >
        <SyntaxHelp
          onPick={query => {
            setHelpAnchor(null);
            setDraft(query);
            props.onSearch(query);
          }}
        />
      </Popover>
      {props.problem && (
        <Alert severity="error" aria-label="Query error">
          <AlertTitle>The query could not be run</AlertTitle>
          {props.problem.message}
          {props.problem.position !== undefined && (
            <ProblemPointer
              query={problemQuery}
              position={props.problem.position}
            />
          )}
        </Alert>
      )}
    </Stack>
  );
}
