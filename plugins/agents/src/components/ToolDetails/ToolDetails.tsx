import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type {
  McpToolSpec,
  ToolPermission,
} from '@pilothouse/plugin-agentops-common';
import { describePermission, isDestructiveTool } from '../../tools';

/**
 * The MCP hints of a tool as chips. A tool that does not say it is
 * read-only or harmless is shown as destructive, as it is treated.
 */
export function ToolHintChips(props: { tool: McpToolSpec }) {
  const { tool } = props;
  return (
    <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
      {tool.readOnly && (
        <Chip
          label="read-only"
          color="success"
          size="small"
          variant="outlined"
        />
      )}
      {isDestructiveTool(tool) && (
        <Chip
          label="destructive"
          color="error"
          size="small"
          variant="outlined"
        />
      )}
      {tool.idempotent && (
        <Chip label="idempotent" size="small" variant="outlined" />
      )}
    </Stack>
  );
}

/** The permissions a tool needs, one line each, with the system they are in. */
export function PermissionList(props: { permissions?: ToolPermission[] }) {
  const permissions = props.permissions ?? [];
  if (permissions.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        none declared
      </Typography>
    );
  }
  return (
    <Stack
      component="ul"
      spacing={0.25}
      sx={{ m: 0, pl: 0, listStyle: 'none' }}
    >
      {permissions.map((permission, index) => {
        const { system, text } = describePermission(permission);
        return (
          <Typography component="li" variant="body2" key={index}>
            <Typography
              component="span"
              variant="caption"
              color="text.secondary"
            >
              {system}:
            </Typography>{' '}
            <code>{text}</code>
          </Typography>
        );
      })}
    </Stack>
  );
}
