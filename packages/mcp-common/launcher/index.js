// Entry point of a built MCP server: `node packages/mcp-<name>/dist/index.js`.
// The build script copies this file next to the server's bundle. The shared
// workspace library (@pilothouse/mcp-common) is TypeScript source in this
// repository, so the Backstage CLI's node transform (the same one the portal
// spawns the servers with) loads it; the server itself runs from its bundle.
require('@backstage/cli-node/config/nodeTransform.cjs');
const { main } = require('./index.cjs.js');

main(process.argv.slice(2), process.env).catch(error => {
  process.stderr.write(`failed to start: ${error?.message ?? error}\n`);
  process.exit(1);
});
