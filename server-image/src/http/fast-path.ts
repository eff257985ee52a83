import type { IncomingMessage, ServerResponse } from 'node:http';

/** Node's request listener. */
export type NodeRequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

/**
 * Code that serves some routes straight from Node's request, in front of the app: answers the request (now
 * or later) and returns true, or returns false and leaves it untouched for the app.
 */
export type FastPath = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;
