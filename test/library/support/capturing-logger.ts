import type { LoggerService } from '@nestjs/common';

export interface LogEntry {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
}

/**
 * A LoggerService that records what Nest's `Logger` is asked to print (message and context), for
 * `Test.createTestingModule(...).setLogger(logger)` or `app.useLogger(logger)`.
 */
export class CapturingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...rest: unknown[]) {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.record('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.record('fatal', message, rest);
  }

  /** Entries logged with context `context`, as `[level, message]` pairs. */
  linesOf(context: string): Array<[LogEntry['level'], string]> {
    return this.entries.filter((e) => e.context === context).map((e) => [e.level, e.message]);
  }

  /** Everything logged, one string (for "never appears in the logs" checks). */
  text(): string {
    return this.entries.map((e) => `${e.level} [${e.context ?? ''}] ${e.message}`).join('\n');
  }

  clear(): void {
    this.entries.length = 0;
  }

  private record(level: LogEntry['level'], message: unknown, rest: unknown[]) {
    // Nest passes the context as the last string argument.
    const last = rest.at(-1);
    const text =
      typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message);
    this.entries.push({ level, message: text, ...(typeof last === 'string' ? { context: last } : {}) });
  }
}
