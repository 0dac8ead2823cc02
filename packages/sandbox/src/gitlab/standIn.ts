import express, { NextFunction, Request, Response, Router } from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import { GIT_SERVICE_PATH, runGitHttpBackend } from './gitHttp';
import { GITLAB_PATH, GitLabModel, GitLabNamespace } from './model';

export interface GitLabStandInOptions {
  /** Where the bare repositories live: `<reposDir>/<namespace>/<project>.git`. Kept across restarts. */
  reposDir: string;
  /** The personal access token it accepts (`PRIVATE-TOKEN`, `Authorization: Bearer`, or Git's HTTP password). */
  token: string;
  /** The token's user (a user namespace). Default `pilothouse`. */
  username?: string;
  /** Groups that exist (group namespaces). Default `['platform']`. */
  groups?: string[];
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
}

/** One request the stand-in answered: method, path (with query) and status. */
export interface RecordedGitLabRequest {
  method: string;
  path: string;
  status: number;
}

export interface RunningGitLabStandIn {
  /** Base URL, e.g. http://127.0.0.1:43123: REST API under /api/v4, repositories at /<namespace>/<project>.git */
  url: string;
  /** host:port, as a scaffolder integration's `host`. */
  host: string;
  /** The bare repository of a project, to inspect what was pushed. */
  repositoryDir(namespace: string, project: string): string;
  /** Every request answered, oldest first. */
  readonly requests: RecordedGitLabRequest[];
  close(): Promise<void>;
}

/** GitLab's error bodies: `{ message }`, a string or a field → messages map. */
function gitlabError(
  res: Response,
  status: number,
  message: string | Record<string, string[]>,
) {
  res.status(status).json({ message });
}

/** The token a request carries, in any of the places GitLab reads one. */
function tokenOf(req: Request): string | undefined {
  const privateToken = req.headers['private-token'];
  if (typeof privateToken === 'string') return privateToken;
  const authorization = req.headers.authorization ?? '';
  if (authorization.startsWith('Bearer ')) {
    return authorization.slice('Bearer '.length);
  }
  if (authorization.startsWith('Basic ')) {
    const decoded = Buffer.from(
      authorization.slice('Basic '.length),
      'base64',
    ).toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

const createProjectBody = z
  .object({
    name: z.string().min(1).max(255).optional(),
    path: z
      .string()
      .regex(GITLAB_PATH, 'can contain only letters, digits, _, - and .')
      .optional(),
    namespace_id: z.union([z.number().int(), z.string().min(1)]).optional(),
    description: z.string().optional(),
    visibility: z.enum(['private', 'internal', 'public']).optional(),
    topics: z.array(z.string()).optional(),
  })
  .passthrough();

/** Offset pagination as GitLab sends it (`page`, `per_page`; `x-*` and `link` headers). */
function paginate<T>(
  baseUrl: string,
  req: Request,
  res: Response,
  items: T[],
): T[] {
  const perPage = Math.min(Math.max(Number(req.query.per_page) || 20, 1), 100);
  const page = Math.max(Number(req.query.page) || 1, 1);
  const totalPages = Math.max(Math.ceil(items.length / perPage), 1);
  res.setHeader('x-page', String(page));
  res.setHeader('x-per-page', String(perPage));
  res.setHeader('x-total', String(items.length));
  res.setHeader('x-total-pages', String(totalPages));
  res.setHeader('x-next-page', page < totalPages ? String(page + 1) : '');
  res.setHeader('x-prev-page', page > 1 ? String(page - 1) : '');
  const pageUrl = (n: number) => {
    const url = new URL(`${baseUrl}${req.originalUrl}`);
    url.searchParams.set('page', String(n));
    url.searchParams.set('per_page', String(perPage));
    return url.toString();
  };
  const links = [
    ...(page < totalPages ? [`<${pageUrl(page + 1)}>; rel="next"`] : []),
    ...(page > 1 ? [`<${pageUrl(page - 1)}>; rel="prev"`] : []),
    `<${pageUrl(1)}>; rel="first"`,
    `<${pageUrl(totalPages)}>; rel="last"`,
  ];
  res.setHeader('link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}

/**
 * The subset of GitLab's REST API v4 that Backstage's `publish:gitlab`
 * scaffolder action calls through gitbeaker (namespace lookup, current user,
 * a namespace's projects, project creation and lookup) and that its GitLab
 * URL reader calls (a file's raw content, for `catalog:register`), and Git's
 * smart HTTP protocol for its repositories, served by `git http-backend`.
 */
export function createGitLabRouter(
  model: GitLabModel,
  token: string,
  log: (message: string) => void = () => {},
): Router {
  const router = express.Router();

  // Git first: its bodies are pack streams, not JSON.
  router.use(async (req, res, next) => {
    const match = GIT_SERVICE_PATH.exec(req.path);
    if (!match) {
      next();
      return;
    }
    if (tokenOf(req) !== token) {
      res
        .status(401)
        .setHeader('WWW-Authenticate', 'Basic realm="GitLab"')
        .type('text/plain')
        .send('HTTP Basic: Access denied');
      return;
    }
    const [, namespace, projectPath, service] = match;
    const project = model.project(`${namespace}/${projectPath}`);
    if (!project) {
      res.status(404).type('text/plain').send('The project was not found.');
      return;
    }
    await runGitHttpBackend({
      req,
      res,
      projectRoot: model.reposDir,
      pathInfo: `/${project.namespace.path}/${project.path}.git${service}`,
      remoteUser: model.username,
      onError: log,
    });
    if (service === '/git-receive-pack') {
      // As GitLab does: the first branch pushed becomes the default branch.
      await model.defaultBranch(project).catch(() => null);
    }
  });

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use((req, res, next) => {
    if (tokenOf(req) !== token) {
      gitlabError(res, 401, '401 Unauthorized');
      return;
    }
    next();
  });

  api.get('/user', (_req, res) => {
    const user = model.user;
    res.json({
      id: user.id,
      username: user.path,
      name: user.name,
      state: 'active',
      web_url: user.web_url,
    });
  });

  api.get('/namespaces/:id', (req, res) => {
    const namespace = model.namespace(req.params.id);
    if (!namespace) {
      gitlabError(res, 404, '404 Namespace Not Found');
      return;
    }
    res.json(namespace);
  });

  const listProjects =
    (kind: GitLabNamespace['kind']) => async (req: Request, res: Response) => {
      const namespace = model.namespace(req.params.id);
      if (!namespace || namespace.kind !== kind) {
        gitlabError(
          res,
          404,
          `404 ${kind === 'user' ? 'User' : 'Group'} Not Found`,
        );
        return;
      }
      const search = String(req.query.search ?? '').toLowerCase();
      const found = model
        .projectsOf(namespace)
        .filter(
          p =>
            !search ||
            p.path.toLowerCase().includes(search) ||
            p.name.toLowerCase().includes(search),
        );
      res.json(
        await Promise.all(
          paginate(model.baseUrl(), req, res, found).map(p => model.toJson(p)),
        ),
      );
    };
  api.get('/groups/:id/projects', listProjects('group'));
  api.get('/users/:id/projects', listProjects('user'));

  api.get('/projects/:id', async (req, res) => {
    const project = model.project(req.params.id);
    if (!project) {
      gitlabError(res, 404, '404 Project Not Found');
      return;
    }
    res.json(await model.toJson(project));
  });

  // What Backstage's GitLab URL reader calls to read a file (catalog-info.yaml).
  api.get('/projects/:id/repository/files/:filePath/raw', async (req, res) => {
    const project = model.project(req.params.id);
    if (!project) {
      gitlabError(res, 404, '404 Project Not Found');
      return;
    }
    const ref =
      typeof req.query.ref === 'string'
        ? req.query.ref
        : await model.defaultBranch(project);
    const content = ref
      ? await model.readFile(project, ref, req.params.filePath)
      : undefined;
    if (!content) {
      gitlabError(res, 404, '404 File Not Found');
      return;
    }
    res.type('text/plain').send(content);
  });

  api.post('/projects', async (req, res) => {
    const parsed = createProjectBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({
        error: parsed.error.issues
          .map(i => `${i.path.join('.')} ${i.message}`)
          .join(', '),
      });
      return;
    }
    const body = parsed.data;
    if (!body.name && !body.path) {
      res.status(400).json({
        error:
          'name, path are missing, at least one parameter must be provided',
      });
      return;
    }
    const namespace =
      body.namespace_id === undefined
        ? model.user
        : model.namespace(body.namespace_id);
    if (!namespace) {
      gitlabError(res, 404, '404 Namespace Not Found');
      return;
    }
    const projectPath =
      body.path ?? body.name!.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
    if (model.project(`${namespace.full_path}/${projectPath}`)) {
      gitlabError(res, 400, {
        name: ['has already been taken'],
        path: ['has already been taken'],
      });
      return;
    }
    const project = await model.createProject(namespace, {
      path: projectPath,
      name: body.name ?? projectPath,
      description: body.description ?? null,
      visibility: body.visibility ?? 'private',
      topics: body.topics ?? [],
    });
    res.status(201).json(await model.toJson(project));
  });

  api.use((req, res) => {
    gitlabError(
      res,
      404,
      `404 Not Found (the Pilothouse GitLab stand-in does not serve ${req.method} ${req.path})`,
    );
  });
  api.use((err: any, _req: Request, res: Response, _next: NextFunction) => {
    if (err?.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'the request body is not valid JSON' });
      return;
    }
    log(`GitLab stand-in error: ${err?.message ?? err}`);
    gitlabError(res, 500, '500 Internal Server Error');
  });
  router.use('/api/v4', api);
  return router;
}

/**
 * Starts a GitLab stand-in for tests: the REST API that `publish:gitlab`
 * calls and Git smart HTTP over bare repositories on disk. Not GitLab: one
 * token, one user, no permissions model, no CI.
 */
export async function startGitLabStandIn(
  options: GitLabStandInOptions,
): Promise<RunningGitLabStandIn> {
  let url = '';
  const model = new GitLabModel(
    options.reposDir,
    () => url,
    options.username ?? 'pilothouse',
    options.groups ?? ['platform'],
  );
  const requests: RecordedGitLabRequest[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.on('finish', () =>
      requests.push({
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
      }),
    );
    next();
  });
  app.use(
    createGitLabRouter(model, options.token, message =>
      process.stderr.write(`${message}\n`),
    ),
  );
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`${req.path} not found`);
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () =>
      resolve(),
    );
  });
  const address = server.address() as AddressInfo;
  const host = `${
    address.family === 'IPv6' ? `[${address.address}]` : address.address
  }:${address.port}`;
  url = `http://${host}`;

  return {
    url,
    host,
    requests,
    repositoryDir: (namespace, project) =>
      model.repositoryDir({
        namespace: model.namespace(namespace)!,
        path: project,
      }),
    async close() {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
