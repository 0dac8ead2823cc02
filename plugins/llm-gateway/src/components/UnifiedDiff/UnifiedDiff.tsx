import Box from '@mui/material/Box';
import { alpha, Theme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';

const lineStyle = { display: 'block', px: 1, textDecoration: 'none' };

/**
 * A unified diff with added lines in green (`<ins>`) and removed lines in red
 * (`<del>`), so the change reads the same to a screen reader.
 */
export function UnifiedDiff(props: { diff: string }) {
  const text = props.diff.replace(/\n$/, '');
  if (!text.trim()) {
    return (
      <Typography color="text.secondary">
        No changes from the version before.
      </Typography>
    );
  }
  return (
    <Box
      component="pre"
      aria-label="Changes"
      sx={{
        m: 0,
        py: 1,
        fontFamily: 'monospace',
        fontSize: '0.8125rem',
        lineHeight: 1.5,
        overflowX: 'auto',
        bgcolor: 'action.hover',
        borderRadius: 1,
      }}
    >
      {text.split('\n').map((line, index) => {
        if (line.startsWith('+++') || line.startsWith('---')) {
          return (
            <Box
              key={index}
              component="span"
              sx={{ ...lineStyle, color: 'text.secondary', fontWeight: 'bold' }}
            >
              {line}
            </Box>
          );
        }
        if (line.startsWith('@@')) {
          return (
            <Box
              key={index}
              component="span"
              sx={{ ...lineStyle, color: 'info.main' }}
            >
              {line}
            </Box>
          );
        }
        if (line.startsWith('+')) {
          return (
            <Box
              key={index}
              component="ins"
              sx={{
                ...lineStyle,
                bgcolor: (theme: Theme) =>
                  alpha(theme.palette.success.main, 0.18),
              }}
            >
              {line}
            </Box>
          );
        }
        if (line.startsWith('-')) {
          return (
            <Box
              key={index}
              component="del"
              sx={{
                ...lineStyle,
                bgcolor: (theme: Theme) =>
                  alpha(theme.palette.error.main, 0.18),
              }}
            >
              {line}
            </Box>
          );
        }
        return (
          <Box key={index} component="span" sx={lineStyle}>
            {line}
          </Box>
        );
      })}
    </Box>
  );
}
