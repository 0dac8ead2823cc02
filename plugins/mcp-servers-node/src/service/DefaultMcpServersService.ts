import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ExponentialBackoff, IBackoff } from 'cockatiel';
import { telemetryEnvironment, tracedToolCall } from './telemetry';
import {
  McpCallOptions,
  McpServerConfig,
  McpServersService,
  McpServerStatus,
  McpTool,
} from './types';

export type RestartPolicy = { initialDelayMs: number; maxDelayMs: number };

/** A server that stayed up this long has its backoff reset. */
const STABLE_AFTER_MS = 30_000;

/** One supervised connection to one MCP server. */
class SupervisedServer {
  private client?: Client;
  private tools: Tool[] = [];
  private state: McpServerStatus['state'] = 'starting';
  private lastError?: string;
  private restarts = 0;
  private since = new Date();
  private nextRetryAt?: Date;
  private retryTimer?: NodeJS.Timeout;
  private backoff?: IBackoff<unknown>;
  private connectedAt = 0;
  private stopping = false;

  constructor(
    private readonly config: McpServerConfig,
    private readonly restartPolicy: RestartPolicy,
    private readonly logger: LoggerService,
  ) {}

  status(): McpServerStatus {
    return {
      id: this.config.id,
      description: this.config.description,
      transport: this.config.transport,
      state: this.state,
      tools: this.state === 'ready' ? this.tools.length : 0,
      restarts: this.restarts,
      lastError: this.lastError,
      since: this.since.toISOString(),
      nextRetryAt: this.nextRetryAt?.toISOString(),
    };
  }

  listTools(): Tool[] {
    return this.state === 'ready' ? this.tools : [];
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options?: McpCallOptions,
  ): Promise<CallToolResult> {
    if (this.state !== 'ready' || !this.client) {
      throw new ServiceUnavailableError(
        `MCP server "${this.config.id}" is ${this.state}${
          this.lastError ? `: ${this.lastError}` : ''
        }`,
      );
    }
    if (!this.tools.some(t => t.name === name)) {
      throw new NotFoundError(
        `MCP server "${this.config.id}" has no tool "${name}"`,
      );
    }
    const client = this.client;
    try {
      return await tracedToolCall(
        this.config.id,
        name,
        options?.meta,
        async meta =>
          (await client.callTool(
            { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
            undefined,
            { timeout: this.config.callTimeoutMs },
          )) as CallToolResult,
      );
    } catch (error) {
      // A transport failure means the server is gone: supervise it back.
      if (this.config.transport === 'http') {
        this.fail(error);
      }
      throw new ServiceUnavailableError(
        `MCP server "${this.config.id}" failed the call to "${name}": ${
          (error as Error).message
        }`,
      );
    }
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.setState('stopped');
    await client?.close().catch(() => undefined);
  }

  private setState(state: McpServerStatus['state']) {
    if (this.state !== state) {
      this.state = state;
      this.since = new Date();
    }
  }

  private createTransport(): Transport {
    const c = this.config;
    if (c.transport === 'stdio') {
      const transport = new StdioClientTransport({
        command: c.command!,
        args: c.args ?? [],
        // The OTEL_* settings too, so the server's spans join the portal's traces.
        env: {
          ...getDefaultEnvironment(),
          ...telemetryEnvironment(),
          ...c.env,
        },
        cwd: c.cwd,
        stderr: 'pipe',
      });
      // The server's own log lines go to the portal's log, tagged.
      transport.stderr?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim()) {
            this.logger.debug(line, { mcpServer: c.id });
          }
        }
      });
      return transport;
    }
    return new StreamableHTTPClientTransport(new URL(c.url!), {
      requestInit: { headers: c.headers },
    });
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    this.setState('starting');
    this.nextRetryAt = undefined;
    const client = new Client({ name: 'pilothouse-backend', version: '0.1.0' });
    try {
      const transport = this.createTransport();
      transport.onclose = () => {
        if (this.client === client) {
          this.fail(new Error('the server closed the connection'));
        }
      };
      await client.connect(transport);
      const { tools } = await client.listTools();
      this.client = client;
      this.tools = tools;
      this.connectedAt = Date.now();
      this.lastError = undefined;
      this.setState('ready');
      this.logger.info('MCP server ready', {
        mcpServer: this.config.id,
        tools: tools.length,
      });
    } catch (error) {
      await client.close().catch(() => undefined);
      this.fail(error);
    }
  }

  /** Marks the server unhealthy and schedules a reconnect with backoff. */
  private fail(error: unknown) {
    if (this.stopping) return;
    const client = this.client;
    this.client = undefined;
    client?.close().catch(() => undefined);
    this.lastError = (error as Error)?.message ?? String(error);
    this.setState('unhealthy');

    if (this.connectedAt && Date.now() - this.connectedAt > STABLE_AFTER_MS) {
      this.backoff = undefined;
    }
    this.connectedAt = 0;
    this.backoff = this.backoff
      ? this.backoff.next(undefined)
      : new ExponentialBackoff({
          initialDelay: this.restartPolicy.initialDelayMs,
          maxDelay: this.restartPolicy.maxDelayMs,
        }).next();
    const delay = this.backoff.duration;
    this.nextRetryAt = new Date(Date.now() + delay);
    this.logger.warn('MCP server unhealthy, restarting', {
      mcpServer: this.config.id,
      error: this.lastError,
      retryInMs: Math.round(delay),
    });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.restarts += 1;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }
}

/** The default {@link McpServersService}: supervises every configured server. */
export class DefaultMcpServersService implements McpServersService {
  private readonly servers: Map<string, SupervisedServer>;

  static create(options: {
    servers: McpServerConfig[];
    restart?: Partial<RestartPolicy>;
    logger: LoggerService;
  }) {
    return new DefaultMcpServersService(
      options.servers,
      {
        initialDelayMs: options.restart?.initialDelayMs ?? 1_000,
        maxDelayMs: options.restart?.maxDelayMs ?? 60_000,
      },
      options.logger,
    );
  }

  private constructor(
    configs: McpServerConfig[],
    restart: RestartPolicy,
    logger: LoggerService,
  ) {
    this.servers = new Map(
      configs.map(c => [c.id, new SupervisedServer(c, restart, logger)]),
    );
  }

  /** Connects to every server; a server that fails is retried, not fatal. */
  async start(): Promise<void> {
    await Promise.all([...this.servers.values()].map(s => s.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.servers.values()].map(s => s.stop()));
  }

  status(): McpServerStatus[] {
    return [...this.servers.values()].map(s => s.status());
  }

  async listTools(serverId?: string): Promise<McpTool[]> {
    const ids = serverId ? [serverId] : [...this.servers.keys()];
    return ids.flatMap(id =>
      this.get(id)
        .listTools()
        .map(tool => ({ serverId: id, tool })),
    );
  }

  async callTool(
    serverId: string,
    name: string,
    args: Record<string, unknown>,
    options?: McpCallOptions,
  ): Promise<CallToolResult> {
    return this.get(serverId).callTool(name, args, options);
  }

  private get(id: string): SupervisedServer {
    const server = this.servers.get(id);
    if (!server) {
      throw new NotFoundError(`No MCP server "${id}" is configured`);
    }
    return server;
  }
}
