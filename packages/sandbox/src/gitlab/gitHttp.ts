import type { Request, Response } from 'express';
import { spawn } from 'node:child_process';

/** The part of a request URL that Git's smart HTTP protocol uses below `<namespace>/<project>.git`. */
export const GIT_SERVICE_PATH =
  /^\/([^/]+)\/([^/]+)\.git(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD))$/;

/**
 * Serves one smart-HTTP request with Debian's `git http-backend`, run as a
 * CGI program (RFC 3875): the request becomes its environment and standard
 * input, its standard output (CGI headers, a blank line, the body) the
 * response. `remoteUser` is who authenticated: http-backend accepts a push
 * (receive-pack) only when it is set.
 */
export function runGitHttpBackend(options: {
  req: Request;
  res: Response;
  projectRoot: string;
  /** `/<namespace>/<project>.git/<service path>`, relative to projectRoot. */
  pathInfo: string;
  remoteUser: string;
  onError(message: string): void;
}): Promise<void> {
  const { req, res, projectRoot, pathInfo, remoteUser, onError } = options;
  const query = req.originalUrl.includes('?')
    ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
    : '';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    REQUEST_METHOD: req.method,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
  };
  // Without a length, http-backend reads the (chunked) body to its end.
  if (req.headers['content-length']) {
    env.CONTENT_LENGTH = req.headers['content-length'];
  }
  if (typeof req.headers['git-protocol'] === 'string') {
    env.GIT_PROTOCOL = req.headers['git-protocol'];
  }

  return new Promise(resolve => {
    const child = spawn('git', ['http-backend'], { env });
    const stderr: Buffer[] = [];
    let head = Buffer.alloc(0);
    let headersSent = false;

    child.stderr.on('data', chunk => stderr.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const text = head.toString('latin1');
      const end = /\r?\n\r?\n/.exec(text);
      if (!end) return;
      let status = 200;
      for (const line of text.slice(0, end.index).split(/\r?\n/)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') {
          status = Number.parseInt(value, 10) || 500;
        } else if (name) {
          res.setHeader(name, value);
        }
      }
      res.status(status);
      headersSent = true;
      res.write(head.subarray(end.index + end[0].length));
    });
    child.on('error', error => {
      onError(`git http-backend could not start: ${error.message}`);
      if (!headersSent) res.status(500).type('text/plain').send(error.message);
      resolve();
    });
    child.on('close', code => {
      if (code !== 0) {
        onError(
          `git http-backend exited with ${code}: ${Buffer.concat(stderr)
            .toString()
            .trim()}`,
        );
      }
      if (headersSent) {
        res.end();
      } else {
        res
          .status(500)
          .type('text/plain')
          .send(Buffer.concat(stderr).toString() || 'git http-backend failed');
      }
      resolve();
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {
      // http-backend may answer (an error) before reading the whole body.
    });
  });
}
