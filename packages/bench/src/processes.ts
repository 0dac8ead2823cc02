import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { Readable } from 'node:stream';

/**
 * Every process a benchmark starts, so that all of them are stopped when it
 * ends, fails or is interrupted.
 */
export class ChildProcesses {
  private readonly pids = new Set<number>();

  /** Spawns a process and tracks it until it exits. */
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, options);
    if (child.pid !== undefined) {
      this.track(child.pid);
      child.once('exit', () => this.pids.delete(child.pid!));
    }
    return child;
  }

  /** Tracks a process spawned by someone else, e.g. an MCP stdio transport. */
  track(pid: number | null | undefined): void {
    if (pid) {
      this.pids.add(pid);
    }
  }

  forget(pid: number | null | undefined): void {
    if (pid) {
      this.pids.delete(pid);
    }
  }

  /** SIGTERM to every tracked process, then SIGKILL to any still alive after graceMs. */
  async stopAll(graceMs = 2000): Promise<void> {
    for (const pid of this.pids) {
      signal(pid, 'SIGTERM');
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && [...this.pids].some(isAlive)) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    this.killAllNow();
  }

  /** SIGKILL to every tracked process; synchronous, so usable in an exit handler. */
  killAllNow(): void {
    for (const pid of this.pids) {
      signal(pid, 'SIGKILL');
    }
    this.pids.clear();
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps reading a child's output stream (a full pipe would block the child)
 * and remembers its tail, for error messages.
 */
export function drain(stream: Readable | null | undefined, keep = 4096) {
  let tail = '';
  stream?.on('data', chunk => {
    tail = (tail + String(chunk)).slice(-keep);
  });
  return { tail: () => tail };
}

/** Resolves with the first match of pattern in a stream's text, or rejects on timeout or end. */
export function waitForOutput(
  stream: Readable,
  pattern: RegExp,
  what: string,
  timeoutMs = 60_000,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const cleanup: Array<() => void> = [];
    const finish = (error?: Error, match?: RegExpMatchArray) => {
      cleanup.forEach(undo => undo());
      if (error) reject(error);
      else resolve(match!);
    };
    const onData = (chunk: unknown) => {
      text += String(chunk);
      const match = text.match(pattern);
      if (match) finish(undefined, match);
    };
    const onEnd = () =>
      finish(new Error(`${what} ended before it was ready:\n${text}`));
    const timer = setTimeout(
      () =>
        finish(new Error(`${what} not ready after ${timeoutMs} ms:\n${text}`)),
      timeoutMs,
    );
    stream.on('data', onData);
    stream.on('end', onEnd);
    cleanup.push(
      () => clearTimeout(timer),
      () => stream.off('data', onData),
      () => stream.off('end', onEnd),
    );
  });
}
