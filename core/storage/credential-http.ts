import http from 'node:http';
import https from 'node:https';

/** One request to a credential endpoint (STS, instance metadata). */
export interface CredentialHttpRequest {
  readonly url: URL;
  readonly method: 'GET' | 'PUT' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Idle timeout; the request fails with code ETIMEDOUT after it. */
  readonly timeoutMs: number;
  /** Agent for https URLs, e.g. one trusting a private CA. */
  readonly httpsAgent?: https.Agent;
}

/** Status and text body of an answer. */
export interface CredentialHttpAnswer {
  readonly status: number;
  readonly body: string;
}

// Credential answers are a few kilobytes; anything larger is not one and is cut off.
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Send one request and read the whole answer, whatever its status. Unlike the fetchers inside the minio
 * client, this sets a timeout: an unrouted link-local metadata address would otherwise hang a pod forever.
 */
export function requestCredentialEndpoint(request: CredentialHttpRequest): Promise<CredentialHttpAnswer> {
  const { url, method, headers = {}, body, timeoutMs } = request;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method,
        headers: { ...headers, ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }) },
        timeout: timeoutMs,
        ...(url.protocol === 'https:' && request.httpsAgent && { agent: request.httpsAgent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}
