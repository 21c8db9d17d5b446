/**
 * Free loopback ports for tests that must know a port before a process listens on it.
 */
import net from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * startCli(['--port', String(port)], dir);
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
