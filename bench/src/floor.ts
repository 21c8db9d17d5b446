/**
 * The floor: the least a Node gateway can do. node:http in, undici out (one keep-alive
 * Agent, no connection cap), headers copied minus hop-by-hop ones, bodies piped both ways
 * without parsing (the request body is read whole, as any gateway
 * must before it can route). `/paced/...`, `/idle/...` and `/bulk/...` go to those upstreams, the rest to `fast`.
 * Prints `{"port":N}` when listening.
 *
 * Run: node --import tsx bench/src/floor.ts <fastOrigin> <pacedOrigin> <idleOrigin> <bulkOrigin>
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';

const [fastOrigin, pacedOrigin, idleOrigin, bulkOrigin] = process.argv.slice(2) as [string, string, string, string];
const agent = new Agent({ keepAliveTimeout: 30_000, pipelining: 1 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function forwardHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!HOP.has(name)) out[name] = raw[i + 1]!;
  }
  return out;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

const server = http.createServer(async (req, res) => {
  const url = req.url ?? '/';
  const paced = url.startsWith('/paced/');
  const idle = !paced && url.startsWith('/idle/');
  const bulk = !paced && !idle && url.startsWith('/bulk/');
  const origin = paced ? pacedOrigin : idle ? idleOrigin : bulk ? bulkOrigin : fastOrigin;
  const path = paced ? url.slice(6) : idle ? url.slice(5) : bulk ? url.slice(5) : url;
  const method = (req.method ?? 'GET') as 'GET';
  agent
    .stream(
      { origin, path, method, headers: forwardHeaders(req.rawHeaders), body: await readBody(req) },
      ({ statusCode, headers }) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
        res.writeHead(statusCode, out);
        return res;
      },
    )
    .catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: err.message, type: 'server_error', param: null, code: null } }));
    });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
