import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import type { Finding } from '@pilothouse/plugin-llm-gateway-common';
import { findingColor } from './findingColors';

export function describeFinding(finding: Finding): string {
  const type = finding.subtype
    ? `${finding.type} (${finding.subtype})`
    : finding.type;
  return `${type} · ${Math.round(
    finding.confidence * 100,
  )}% confidence · action: ${finding.action}`;
}

type Segment = { text: string; finding?: Finding };

/** Splits the text at the findings; where findings overlap the first one wins. */
function segmentsOf(text: string, findings: Finding[]): Segment[] {
  const ordered = [...findings]
    .filter(f => f.start >= 0 && f.end <= text.length && f.end > f.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: Segment[] = [];
  let cursor = 0;
  for (const finding of ordered) {
    if (finding.start < cursor) continue;
    if (finding.start > cursor) {
      segments.push({ text: text.slice(cursor, finding.start) });
    }
    segments.push({ text: text.slice(finding.start, finding.end), finding });
    cursor = finding.end;
  }
  if (cursor < text.length) segments.push({ text: text.slice(cursor) });
  return segments;
}

/**
 * The inspected text with each finding marked in its type's colour; hovering
 * or focusing a mark tells its type, confidence and action.
 */
export function FindingHighlight(props: { text: string; findings: Finding[] }) {
  const { text, findings } = props;
  const types = [...new Set(findings.map(f => f.type))];
  return (
    <Box>
      <Box
        component="pre"
        sx={{
          m: 0,
          p: 1.5,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
          fontFamily: 'monospace',
          fontSize: '0.875rem',
          bgcolor: 'action.hover',
          borderRadius: 1,
        }}
      >
        {segmentsOf(text, findings).map((segment, index) =>
          segment.finding ? (
            <Tooltip
              key={index}
              title={describeFinding(segment.finding)}
              describeChild
            >
              <Box
                component="mark"
                tabIndex={0}
                data-finding-type={segment.finding.type}
                sx={{
                  bgcolor: findingColor(segment.finding.type),
                  color: '#000',
                  borderRadius: 0.5,
                  px: 0.25,
                  outline: 'none',
                  '&:focus-visible': { boxShadow: '0 0 0 2px currentColor' },
                }}
              >
                {segment.text}
              </Box>
            </Tooltip>
          ) : (
            <span key={index}>{segment.text}</span>
          ),
        )}
      </Box>
      {types.length > 0 && (
        <Stack
          direction="row"
          spacing={1}
          sx={{ mt: 1, flexWrap: 'wrap' }}
          aria-label="Finding types"
        >
          {types.map(type => (
            <Chip
              key={type}
              size="small"
              label={type}
              sx={{ bgcolor: findingColor(type), color: '#000' }}
            />
          ))}
        </Stack>
      )}
    </Box>
  );
}
