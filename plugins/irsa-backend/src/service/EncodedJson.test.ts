import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { EncodedJson } from './EncodedJson';

const large = {
  bindings: Array.from({ length: 60 }, (_, i) => ({
    serviceAccount: `sa-${i}`,
    roleArn: `arn:aws:iam::123456789012:role/role-${i}`,
  })),
};
const plain = Buffer.byteLength(JSON.stringify(large));

type Answer = {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
};

/**
 * Serves `body` behind Backstage's root compression middleware, as in the
 * backend, and reads answers as raw bytes (no client-side decoding).
 */
async function serve(body: EncodedJson) {
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  const server = express()
    .use(middleware.compression())
    .get('/view', (req, res, next) => body.send(req, res).catch(next))
    .listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const get = (headers: Record<string, string>) =>
    new Promise<Answer>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/view', headers }, res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              headers: res.headers,
              raw: Buffer.concat(chunks),
            }),
          );
        })
        .on('error', reject);
    });
  return { get, close: () => new Promise(r => server.close(r)) };
}

/** The JSON of an answer, undoing exactly one content encoding. */
function decoded({ headers, raw }: Answer): unknown {
  const encoding = headers['content-encoding'];
  if (encoding === 'br')
    return JSON.parse(String(zlib.brotliDecompressSync(raw)));
  if (encoding === 'gzip') return JSON.parse(String(zlib.gunzipSync(raw)));
  expect(encoding).toBeUndefined();
  return JSON.parse(String(raw));
}

describe('EncodedJson', () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each(['br', 'gzip'])(
    'answers a client that accepts %s with the body compressed once, not again by the middleware',
    async encoding => {
      server = await serve(new EncodedJson(large));
      const answers = [
        await server.get({ 'Accept-Encoding': encoding }),
        await server.get({ 'Accept-Encoding': encoding }),
      ];
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBe(encoding);
        expect(res.raw.length).toBeLessThan(plain / 4);
        expect(Number(res.headers['content-length'])).toBe(res.raw.length);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers.vary).toMatch(/Accept-Encoding/);
        expect(decoded(res)).toEqual(large);
      }
      expect(answers[1].raw.equals(answers[0].raw)).toBe(true);
    },
  );

  it('prefers brotli when the client takes both, as the middleware does', async () => {
    server = await serve(new EncodedJson(large));
    const res = await server.get({ 'Accept-Encoding': 'gzip, deflate, br' });
    expect(res.headers['content-encoding']).toBe('br');
    expect(decoded(res)).toEqual(large);
  });

  it('sends the JSON as it is to a client that takes no compression, and small bodies uncompressed', async () => {
    server = await serve(new EncodedJson(large));
    const identity = await server.get({ 'Accept-Encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.raw.length).toBe(plain);
    expect(decoded(identity)).toEqual(large);
    await server.close();

    server = await serve(new EncodedJson({ bindings: [] }));
    const small = await server.get({ 'Accept-Encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(decoded(small)).toEqual({ bindings: [] });
  });

  it('answers 304 without a body to a matching If-None-Match, and 200 to another', async () => {
    const body = new EncodedJson(large);
    server = await serve(body);
    const first = await server.get({});
    expect(first.headers.etag).toBe(body.etag);

    const again = await server.get({ 'If-None-Match': body.etag });
    expect(again.status).toBe(304);
    expect(again.raw.length).toBe(0);

    const other = await server.get({
      'If-None-Match': new EncodedJson({ other: true }).etag,
    });
    expect(other.status).toBe(200);
    expect(decoded(other)).toEqual(large);
  });
});
