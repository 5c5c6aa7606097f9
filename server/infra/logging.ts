import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's x-request-id when it is sane, else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Path segments that are secrets themselves: a staff invite's code (`/api/staff-invites/:code`). */
const SECRET_PATH = /^(\/api\/staff-invites\/)[^/?#]+/;

/** A request URL as the logs keep it: a secret path segment is replaced. */
export function loggedUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]');
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Structured JSON logs (pino) with the request id on every line; secrets redacted (headers, invite codes in URLs). */
export function loggerOptions(config: Pick<Config, 'logLevel'>, enabled: boolean): FastifyServerOptions['logger'] {
  if (!enabled) return false;
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      // Fastify's own request serializer, with the URL as the logs may keep it.
      req: (req: LoggedRequest) => ({ method: req.method, url: loggedUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
    },
  };
}
