/**
 * Issue 13, item 12: the README names the health endpoints, `npm run dev`, the first build of
 * `npm start`, and which OpenAI endpoints are served and which not yet; the commands it names
 * work as written.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { KNOWN_APIS } from '@switchyard/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

describe('the README', () => {
  it('names the health endpoints, npm run dev, npx switchyard and the first build of npm start', () => {
    for (const s of ['/health/liveliness', '/health/readiness', 'npm run dev', 'npx switchyard --port 4100', 'npm start -- --port 4100', 'about 20–30 s the first time']) {
      expect(readme).toContain(s);
    }
    const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    expect(start).toMatch(/^echo 'switchyard: building \(tsc -b: about 20-30 s the first time.*' >&2 && tsc -b && node cli\/dist\/main\.js$/);
  });

  it('lists every API the gateway does not serve yet and the plugin of every plugin-served one', () => {
    const notYet = readme.slice(readme.indexOf('**Not served yet:**'), readme.indexOf('Point any OpenAI client at it'));
    for (const api of KNOWN_APIS) {
      if (api.plugin === null) expect(notYet, api.name).toContain(api.name);
      else expect(readme, api.plugin).toMatch(new RegExp(`\\| [^\\n]*${api.path.slice(1)}[^\\n]*\\| \`${api.plugin}\` \\|`));
    }
  });

  it('`npm run dev -- --port 0` serves, and the health endpoints answer as documented', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-readme-'));
    writeFileSync(path.join(dir, 'gateway.yaml'), 'plugins: ["@switchyard/provider-mock"]\n');
    const child = spawn('npm', ['run', 'dev', '--', '--port', '0', '--config', path.join(dir, 'gateway.yaml')], { cwd: root, env: { ...process.env, PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)\/v1/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    for (const p of ['/health/liveliness', '/health/liveness', '/health/readiness']) {
      const res = await fetch(`${url}${p}`);
      expect(res.status, p).toBe(200);
    }
  });
});
