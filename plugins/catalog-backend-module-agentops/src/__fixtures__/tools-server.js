// A real MCP server over stdio for the tests whose tools are read, at start,
// from the JSON file named by TOOLS_FILE ([{ name, annotations, permissions }]),
// so a test can change what the server offers and restart it. It writes its
// pid to PID_FILE so the test can stop it as a crashed server would stop.
const fs = require('node:fs');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const {
  StdioServerTransport,
} = require('@modelcontextprotocol/sdk/server/stdio.js');

const tools = JSON.parse(fs.readFileSync(process.env.TOOLS_FILE, 'utf8'));
fs.writeFileSync(process.env.PID_FILE, String(process.pid));

const server = new McpServer({ name: 'tools', version: '1.0.0' });
for (const tool of tools) {
  server.registerTool(
    tool.name,
    {
      description: `The ${tool.name} tool.`,
      annotations: tool.annotations,
      _meta: { 'pilothouse.dev/permissions': tool.permissions ?? [] },
    },
    async () => ({ content: [{ type: 'text', text: tool.name }] }),
  );
}
server.connect(new StdioServerTransport());
