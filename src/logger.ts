/**
 * Structured JSON logs (pino); secrets are redacted wherever they appear in a logged object: at the
 * top, one level down, and in a request's body or headers (`req.body.sign`, `req.headers.authorization`).
 * Request bodies are not logged at all (requestObservability); this is the net under that rule.
 */
import pino, { DestinationStream, Logger } from 'pino';

const SECRET_FIELDS = ['secretKey', 'saltKey', 'password', 'sign', 'token'];
const SECRET_HEADERS = ['authorization', 'cookie'];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'casino-aggregator' },
    redact: {
      paths: [
        ...SECRET_FIELDS,
        ...SECRET_FIELDS.map((field) => `*.${field}`),
        '*.key',
        // A body's `key` is the md5 callback scheme's signature.
        ...[...SECRET_FIELDS, 'key'].map((field) => `*.body.${field}`),
        ...SECRET_HEADERS.flatMap((header) => [`headers.${header}`, `*.headers.${header}`]),
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
