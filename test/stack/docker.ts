// Docker and Compose for the stack test: commands run to completion with their output kept for the error, the
// Parley image built with the layer cache, and one compose project started on the host's loopback.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command in the repository; rejects with its output when it fails or outlasts `timeoutMs`. */
export function run(command: string, args: string[], timeoutMs = 15 * 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${output}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

async function imageId(tag: string): Promise<string | null> {
  try {
    return (await run('docker', ['image', 'inspect', '-f', '{{.Id}}', tag])).stdout.trim();
  } catch {
    return null;
  }
}

/**
 * Builds the Dockerfile into `tag` (its builder stage into `<tag>-builder`, so that stage stays tagged and its
 * layers stay cached), then removes the images those tags pointed to before, so repeated runs do not pile up.
 */
export async function buildParleyImage(tag: string): Promise<void> {
  const builderTag = `${tag}-builder`;
  const before = [await imageId(tag), await imageId(builderTag)];
  const env = ['--network', 'host'];
  await run('docker', ['build', ...env, '--target', 'builder', '-t', builderTag, '.']);
  await run('docker', ['build', ...env, '-t', tag, '.']);
  const after = [await imageId(tag), await imageId(builderTag)];
  for (const id of before) {
    if (id && !after.includes(id)) await run('docker', ['rmi', id]).catch(() => undefined);
  }
}

/** `docker compose` (v2) when the plugin is installed, else `docker-compose` (v1.29, Debian's package). */
async function composeCommand(): Promise<string[]> {
  try {
    await run('docker', ['compose', 'version']);
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
}

export class ComposeProject {
  private constructor(
    private readonly command: string[],
    private readonly options: string[],
  ) {}

  /** `files` relative to the repository; `env` is written to an env file in `workDir` (secrets stay off argv). */
  static async create(name: string, files: string[], env: Record<string, string>, workDir: string): Promise<ComposeProject> {
    const envFile = path.join(workDir, 'stack.env');
    writeFileSync(envFile, Object.entries(env).map(([key, value]) => `${key}=${value}\n`).join(''), { mode: 0o600 });
    const options = ['--project-name', name, '--env-file', envFile, ...files.flatMap((file) => ['-f', file])];
    return new ComposeProject(await composeCommand(), options);
  }

  run(args: string[], timeoutMs?: number): Promise<RunResult> {
    const [command = 'docker-compose', ...prefix] = this.command;
    return run(command, [...prefix, ...this.options, ...args], timeoutMs);
  }

  /** Starts every service and returns once each healthcheck and `depends_on` condition is met. */
  async up(): Promise<void> {
    await this.run(['up', '--detach', '--no-build'], 5 * 60_000);
  }

  /** Stops and removes the containers, networks and volumes (also those of an earlier run that was cut short). */
  async down(): Promise<void> {
    await this.run(['down', '--volumes', '--remove-orphans', '--timeout', '10'], 2 * 60_000);
  }

  async logs(): Promise<string> {
    const { stdout } = await this.run(['logs', '--no-color', '--tail', '40']).catch((error: Error) => ({ stdout: error.message }));
    return stdout;
  }
}
