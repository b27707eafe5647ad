/** Structured JSON logs (pino); secrets are redacted wherever they appear in a logged object. */
import pino, { Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'casino-aggregator' },
    redact: {
      paths: [
        '*.secretKey', '*.saltKey', '*.password', '*.sign', '*.token', '*.key',
        'secretKey', 'saltKey', 'password', 'sign', 'token',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
