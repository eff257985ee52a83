import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startCredentialServer}. */
export interface CredentialServerOptions {
  /** The s3rver to forward S3 requests to, and whose single account the handed-out credentials name. */
  readonly s3: { readonly endpoint: string; readonly accessKey: string; readonly secretKey: string };
  /** The service-account token STS accepts. */
  readonly webIdentityToken: string;
  /** The role STS lets that token assume. */
  readonly roleArn: string;
  /** How long handed-out credentials live. */
  readonly lifetimeMs: number;
}

/** A loopback stand-in for STS and the EC2 metadata service, in front of s3rver. */
export interface CredentialServer {
  /** Base URL for AWS_STS_ENDPOINT, AWS_EC2_METADATA_SERVICE_ENDPOINT and S3_ENDPOINT alike. */
  readonly endpoint: string;
  /** Successful AssumeRoleWithWebIdentity calls: session name asked for, when, and the expiry handed out. */
  readonly stsCalls: Array<{ readonly sessionName: string; readonly at: number; readonly expiresAt: number }>;
  /** Credential GETs of the metadata service's role. */
  readonly metadataCredentialCalls: () => number;
  /** Session token of each S3 request that reached s3rver, in order. */
  readonly s3SessionTokens: string[];
  /** The name of the instance's role in the metadata service. */
  readonly instanceRole: string;
  close(): Promise<void>;
}

const INSTANCE_ROLE = 'mur-node-role';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';

/**
 * Start the stand-in. Credentials it hands out are s3rver's own keys (s3rver has one account and checks
 * signatures) plus a numbered session token with a short expiry; it forwards S3 requests to s3rver only
 * while their x-amz-security-token is one it issued and has not expired, as AWS does, and answers
 * ExpiredToken otherwise. That is what lets a test see credentials refreshed before they stop working.
 */
export async function startCredentialServer(options: CredentialServerOptions): Promise<CredentialServer> {
  const expiries = new Map<string, number>();
  const stsCalls: CredentialServer['stsCalls'] = [];
  const s3SessionTokens: string[] = [];
  let metadataCalls = 0;
  let issued = 0;
  const metadataToken = 'imds-session-token';

  const issue = (prefix: string) => {
    const token = `${prefix}-${++issued}`;
    const expiresAt = Date.now() + options.lifetimeMs;
    expiries.set(token, expiresAt);
    return { token, expiresAt, expiration: new Date(expiresAt).toISOString() };
  };

  const handleSts = (body: string, res: http.ServerResponse) => {
    const form = new URLSearchParams(body);
    if (form.get('Action') !== 'AssumeRoleWithWebIdentity' || form.get('Version') !== '2011-06-15') return xml(res, 400, stsError('InvalidAction', 'unsupported action'));
    if (form.get('WebIdentityToken') !== options.webIdentityToken) return xml(res, 400, stsError('InvalidIdentityToken', 'token not accepted'));
    if (form.get('RoleArn') !== options.roleArn) return xml(res, 403, stsError('AccessDenied', 'not authorized to assume this role'));
    const { token, expiresAt, expiration } = issue('sts');
    stsCalls.push({ sessionName: form.get('RoleSessionName') ?? '', at: Date.now(), expiresAt });
    xml(res, 200,
      '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>' +
      `<Credentials><AccessKeyId>${options.s3.accessKey}</AccessKeyId><SecretAccessKey>${options.s3.secretKey}</SecretAccessKey>` +
      `<SessionToken>${token}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      '</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>');
  };

  const handleMetadata = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return text(res, 400, 'missing ttl');
      return text(res, 200, metadataToken);
    }
    // IMDSv2: without the session token from the PUT, every read is refused.
    if (req.headers['x-aws-ec2-metadata-token'] !== metadataToken) return text(res, 401, 'Unauthorized');
    if (req.method === 'GET' && req.url === CREDENTIALS_PATH) return text(res, 200, `${INSTANCE_ROLE}\n`);
    if (req.method === 'GET' && req.url === `${CREDENTIALS_PATH}${INSTANCE_ROLE}`) {
      metadataCalls++;
      const { token, expiration } = issue('imds');
      const answer = { Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: options.s3.accessKey, SecretAccessKey: options.s3.secretKey, Token: token, Expiration: expiration };
      return text(res, 200, JSON.stringify(answer), 'application/json');
    }
    text(res, 404, 'Not Found');
  };

  const forwardS3 = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const token = String(req.headers['x-amz-security-token'] ?? '');
    const expiresAt = expiries.get(token);
    if (expiresAt === undefined) return xml(res, 403, s3Error('InvalidToken', 'The provided token is malformed or otherwise invalid.'), req);
    if (Date.now() >= expiresAt) return xml(res, 400, s3Error('ExpiredToken', 'The provided token has expired.'), req);
    s3SessionTokens.push(token);
    const upstream = http.request(new URL(req.url ?? '/', options.s3.endpoint), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
  };

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/latest/')) return void req.resume().on('end', () => handleMetadata(req, res));
    if (req.method === 'POST' && req.url === '/' && String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handleSts(Buffer.concat(chunks).toString('utf8'), res));
      return;
    }
    forwardS3(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stsCalls,
    metadataCredentialCalls: () => metadataCalls,
    s3SessionTokens,
    instanceRole: INSTANCE_ROLE,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function text(res: http.ServerResponse, status: number, body: string, type = 'text/plain') {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

/** An XML answer; a refused S3 request's body is drained first so the client sees the answer, not a reset. */
function xml(res: http.ServerResponse, status: number, body: string, req?: http.IncomingMessage) {
  const send = () => text(res, status, `<?xml version="1.0" encoding="UTF-8"?>${body}`, 'application/xml');
  if (req === undefined) return send();
  req.resume().on('end', send);
}

function stsError(code: string, message: string): string {
  return `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error></ErrorResponse>`;
}

function s3Error(code: string, message: string): string {
  return `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
