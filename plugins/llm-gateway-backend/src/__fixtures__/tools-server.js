// A small real MCP server over stdio for the gateway's tests. It remembers
// every call's arguments, so a test can ask (`received`) what reached it.
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const {
  StdioServerTransport,
} = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

const received = [];
const server = new McpServer({ name: 'tools', version: '1.0.0' });
const text = t => ({ content: [{ type: 'text', text: t }] });

server.registerTool(
  'echo',
  {
    description: 'Echoes its text back.',
    inputSchema: { text: z.string() },
    annotations: { readOnlyHint: true },
  },
  async (args, extra) => {
    // The portal user the gateway says the call is for.
    const user = extra._meta?.['pilothouse.dev/user'];
    received.push({ tool: 'echo', args, user });
    return text(`echo: ${args.text}`);
  },
);
server.registerTool(
  'delete_thing',
  {
    description: 'Deletes a thing by name.',
    inputSchema: { name: z.string() },
    annotations: { destructiveHint: true, readOnlyHint: false },
  },
  async args => {
    received.push({ tool: 'delete_thing', args });
    return text(`deleted ${args.name}`);
  },
);
server.registerTool(
  'unannotated',
  { description: 'Says nothing about itself.', inputSchema: { x: z.string() } },
  async args => {
    received.push({ tool: 'unannotated', args });
    return text(`did ${args.x}`);
  },
);
server.registerTool(
  'leak',
  {
    description: 'Answers with a secret (to test output inspection).',
    inputSchema: { secret: z.string() },
    annotations: { readOnlyHint: true },
  },
  async args => {
    received.push({ tool: 'leak', args });
    return text(`the key is ${args.secret.split('').reverse().join('')}`);
  },
);
server.registerTool(
  'received',
  {
    description: 'What the other tools received so far.',
    annotations: { readOnlyHint: true },
  },
  async () => text(JSON.stringify(received)),
);
server.connect(new StdioServerTransport());
