import express from 'express';
import Router from 'express-promise-router';
import { McpServersService } from '@pilothouse/plugin-mcp-servers-node';

export async function createRouter(options: {
  mcpServers: McpServersService;
}): Promise<express.Router> {
  const { mcpServers } = options;
  const router = Router();

  // Health of every configured server, healthy or not.
  router.get('/servers', async (_req, res) => {
    res.json({ items: mcpServers.status() });
  });

  // The tools each ready server offers, with their annotations.
  router.get('/servers/:id/tools', async (req, res) => {
    const tools = await mcpServers.listTools(req.params.id);
    res.json({ items: tools.map(t => t.tool) });
  });

  return router;
}
