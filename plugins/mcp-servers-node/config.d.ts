export interface Config {
  pilothouse?: {
    mcp?: {
      /**
       * The MCP servers the backend connects to. Each is spawned over stdio
       * (command and args) or reached over Streamable HTTP (url).
       */
      servers?: Array<{
        /** Unique id, used in tool routing and health reports. */
        id: string;
        /** Human description shown with its health. */
        description?: string;
        /** How to reach it. Default: stdio when `command` is set, else http. */
        transport?: 'stdio' | 'http';
        /** stdio: the program to spawn (run as an argv array, no shell). */
        command?: string;
        /** stdio: its arguments. */
        args?: string[];
        /** stdio: extra environment variables for the child. */
        env?: { [name: string]: string };
        /** stdio: working directory, relative to the backend's. */
        cwd?: string;
        /** http: the server's Streamable HTTP endpoint, e.g. http://127.0.0.1:8811/mcp */
        url?: string;
        /**
         * http: headers sent with every request (e.g. authorization).
         * @visibility secret
         */
        headers?: { [name: string]: string };
        /** Timeout of one tool call in milliseconds. Default 30000. */
        callTimeoutMs?: number;
      }>;
      /** Backoff between restarts of a server that died. */
      restart?: {
        /** First delay in milliseconds. Default 1000. */
        initialDelayMs?: number;
        /** Longest delay in milliseconds. Default 60000. */
        maxDelayMs?: number;
      };
    };
  };
}
