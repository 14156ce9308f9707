import { pino, type Logger as PinoLogger } from 'pino'

export type Logger = PinoLogger

/**
 * JSON logs on stdout. Secrets never reach a log line: known secret fields are redacted, and
 * the code never logs keys, passwords or cookies in the first place.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'qcc' },
      redact: {
        paths: [
          'password',
          'api_key',
          'apiKey',
          'secret',
          '*.password',
          '*.api_key',
          '*.apiKey',
          'headers["x-api-key"]',
          'headers.authorization',
          'headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination as never,
  )
}
