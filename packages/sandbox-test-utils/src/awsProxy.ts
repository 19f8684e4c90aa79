import http from 'node:http';

/** AWS API calls by name, e.g. `{ GetRole: 2 }`. */
export type AwsCallCounts = Record<string, number>;

/** A counting proxy in front of the sandbox's moto. */
export interface CountingAwsProxy {
  /** The endpoint to give AWS clients instead of moto's. */
  url: string;
  /** The calls since the last take(), and starts counting afresh. */
  take(): AwsCallCounts;
  close(): Promise<void>;
}

/**
 * A loopback proxy to moto that counts AWS API calls by name (query protocol
 * `Action=`, JSON protocol `X-Amz-Target`, EKS's REST paths), so a test or a
 * benchmark can count what a process asked of AWS without touching its code.
 */
export async function countingAwsProxy(
  target: string,
): Promise<CountingAwsProxy> {
  let counts: AwsCallCounts = {};
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const name = awsCallName(req, body.toString('utf8'));
      counts[name] = (counts[name] ?? 0) + 1;
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        up => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', e => res.destroy(e));
      forward.end(body);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    take(): AwsCallCounts {
      const taken = counts;
      counts = {};
      return taken;
    },
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

function awsCallName(req: http.IncomingMessage, body: string): string {
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  if (action) return action;
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop()!;
  if (req.url?.startsWith('/clusters')) return 'DescribeCluster';
  return `${req.method} ${req.url?.split('?')[0]}`;
}
