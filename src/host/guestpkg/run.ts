// Spawning host tools with argument arrays (never a shell string), with
// their output delivered line by line as it arrives.
import { spawn, spawnSync } from 'node:child_process';

export interface RunResult {
  code: number;
  /** stdout and stderr lines, interleaved in arrival order. */
  lines: string[];
}

export interface RunOptions {
  cwd?: string;
  onLine?: (line: string) => void;
}

/** Environment for tools whose output we parse: C locale, never prompt. */
function toolEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', LANG: 'C', DEBIAN_FRONTEND: 'noninteractive' };
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const feed = (stream: NodeJS.ReadableStream): void => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        const parts = pending.split(/\r?\n|\r/);
        pending = parts.pop() ?? '';
        for (const l of parts) {
          lines.push(l);
          opts.onLine?.(l);
        }
      });
      stream.on('end', () => {
        if (pending !== '') {
          lines.push(pending);
          opts.onLine?.(pending);
          pending = '';
        }
      });
    };
    feed(child.stdout);
    feed(child.stderr);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), lines }));
  });
}

/** Whether `cmd` can be executed (found on PATH and runs). */
export function hasCommand(cmd: string, versionArg = '--version'): boolean {
  const r = spawnSync(cmd, [versionArg], { stdio: 'ignore', env: toolEnv() });
  return r.error === undefined;
}
