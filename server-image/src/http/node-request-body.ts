import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { RequestBody } from './read-json-body.ts';
import { incomingHeader } from './request-header.ts';

/** The body of Node's request, read straight from it (no WHATWG Request in between). */
export function nodeRequestBody(incoming: IncomingMessage): RequestBody {
  return {
    declaredLength: incomingHeader(incoming, 'content-length'),
    text: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.once('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
        incoming.once('error', reject);
        // A client that goes away mid-body may close the request without an error: nothing more will come.
        incoming.once('close', () => {
          if (!incoming.complete) reject(new Error('the client closed the connection before the body ended'));
        });
      }),
    stream: () => Readable.toWeb(incoming) as ReadableStream<Uint8Array>,
  };
}
