/*
 * Test helper: a loopback listener that accepts TCP connections and never answers — not an
 * HTTP response, not a TLS handshake. The real shape of a hung API server or endpoint, which
 * the sandbox cannot produce.
 */
import net from 'node:net';

export interface Blackhole {
  /** `http://127.0.0.1:<port>` or `https://...` (then the TLS handshake hangs). */
  url(scheme: 'http' | 'https'): string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startBlackhole(): Promise<Blackhole> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer(socket => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // Read and drop whatever the client sends; never write.
    socket.resume();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: scheme => `${scheme}://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
