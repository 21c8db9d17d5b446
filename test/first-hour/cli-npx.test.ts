/**
 * Issue 13, item 3: `npx switchyard` works as the README says on a fresh clone: the workspace
 * bin is a committed shim (cli/bin/switchyard.js), linked by `npm install`, that runs the
 * sources when there is no build.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL'); // the group: npm exec and the CLI it started
    } catch {
      /* already gone */
    }
  }
});

function npx(args: string[], cwd: string) {
  const child = spawn('npx', ['--no-install', ...args], { cwd, env: { ...process.env, PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // 'close': every process writing to the pipes (npm exec and the CLI it runs) is done
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+\/v1)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  url.catch(() => undefined);
  return { child, exited, closed, url, out: () => out, err: () => err };
}

describe('the switchyard command on a fresh clone', () => {
  it('`npx switchyard --version` runs in the repository root', async () => {
    const p = npx(['switchyard', '--version'], root);
    expect(await p.exited).toBe(0);
    expect(p.out().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('`npx switchyard --port 0` in examples/yaml-config serves its config and drains on Ctrl-C', { timeout: 60_000 }, async () => {
    const p = npx(['switchyard', '--port', '0'], path.join(root, 'examples/yaml-config'));
    const url = await p.url;
    expect(p.out()).toMatch(/config: .*examples\/yaml-config\/\.switchyardrc\.yaml/);
    const client = new OpenAI({ apiKey: 'x', baseURL: url, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'from npx' }] });
    expect(r.choices[0]!.message.content).toBe('from npx');
    // Ctrl-C in a terminal: SIGINT to the foreground process group (npm exec and the CLI)
    process.kill(-p.child.pid!, 'SIGINT');
    await p.closed;
    expect(p.err()).toMatch(/SIGINT: draining in-flight requests\.\.\. \(Ctrl-C again to exit at once\)\ndrained, bye/);
  });
});
