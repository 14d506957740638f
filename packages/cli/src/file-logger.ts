import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { LogFile } from '@tinycondor/shared/log-file';

/** A daemon's pino logger writing JSON lines to `file` (TINYCONDOR_LOG_LEVEL, default info); see LogFile. */
export function fileLogger(file: string): Logger {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return pino({ level: process.env.TINYCONDOR_LOG_LEVEL ?? 'info' }, new LogFile(file));
}
