import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

const compressors = {
  // The parameters of the root router's compression middleware.
  br: promisify(zlib.brotliCompress),
  gzip: promisify(zlib.gzip),
};
const brotliOptions = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };
type Encoding = keyof typeof compressors;

/** Smaller bodies go out as they are, as the compression middleware leaves them. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * A JSON body serialised once and served many times: its bytes, a weak ETag
 * of them, and each content encoding compressed on first use. Otherwise every
 * request would serialise the same object again, hash it for an ETag, and have
 * Backstage's compression middleware compress it again, which together cost
 * about a fifth of a reused view's time; the middleware leaves alone a
 * response that already has a `Content-Encoding`.
 */
export class EncodedJson {
  readonly etag: string;
  private readonly identity: Buffer;
  private readonly encoded = new Map<Encoding, Promise<Buffer>>();

  constructor(value: unknown) {
    this.identity = Buffer.from(JSON.stringify(value));
    const hash = createHash('sha256').update(this.identity).digest('base64url');
    this.etag = `W/"${hash.slice(0, 27)}"`;
  }

  /** Answers 304 to a matching `If-None-Match`, else the body in the best encoding the client accepts. */
  async send(req: Request, res: Response): Promise<void> {
    res.set('ETag', this.etag);
    res.vary('Accept-Encoding');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const encoding =
      this.identity.length >= COMPRESS_FROM_BYTES && acceptedEncoding(req);
    res.type('json');
    if (!encoding) {
      res.send(this.identity);
      return;
    }
    const body = await this.bytes(encoding);
    res.set('Content-Encoding', encoding);
    res.send(body);
  }

  private bytes(encoding: Encoding): Promise<Buffer> {
    let body = this.encoded.get(encoding);
    if (!body) {
      body =
        encoding === 'br'
          ? compressors.br(this.identity, brotliOptions)
          : compressors.gzip(this.identity);
      this.encoded.set(encoding, body);
      // A failure is not kept: the next request tries again.
      body.catch(() => this.encoded.delete(encoding));
    }
    return body;
  }
}

/** Brotli when the client takes it (it is made once, and smaller), else gzip, as the middleware prefers. */
function acceptedEncoding(req: Request): Encoding | undefined {
  if (req.acceptsEncodings('br')) return 'br';
  if (req.acceptsEncodings('gzip')) return 'gzip';
  return undefined;
}
