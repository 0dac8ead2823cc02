// A small real MCP server over stdio for the tests: `echo` answers, `crash`
// kills the process (as a server that dies would).
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const {
  StdioServerTransport,
} = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

const server = new McpServer({ name: 'echo', version: '1.0.0' });
server.registerTool(
  'echo',
  {
    description: 'Echoes its text back.',
    inputSchema: { text: z.string() },
    annotations: { readOnlyHint: true },
  },
  async ({ text }, extra) => {
    const user = extra._meta?.['pilothouse.dev/user'];
    const forUser = user ? ` for ${user}` : '';
    return {
      content: [
        { type: 'text', text: `echo: ${text}${forUser} (pid ${process.pid})` },
      ],
    };
  },
);
server.registerTool(
  'crash',
  {
    description: 'Exits the server process.',
    annotations: { destructiveHint: true },
  },
  async () => {
    setTimeout(() => process.exit(1), 10);
    return { content: [{ type: 'text', text: 'bye' }] };
  },
);
server.connect(new StdioServerTransport());
