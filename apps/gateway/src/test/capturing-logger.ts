import type { LoggerService } from '@nestjs/common';

/** A logger that keeps every line (objects as JSON), so a spec can assert what would have been printed. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  log = (...args: unknown[]) => this.keep('log', args);
  error = (...args: unknown[]) => this.keep('error', args);
  warn = (...args: unknown[]) => this.keep('warn', args);
  debug = (...args: unknown[]) => this.keep('debug', args);
  verbose = (...args: unknown[]) => this.keep('verbose', args);
  fatal = (...args: unknown[]) => this.keep('fatal', args);

  text(): string {
    return this.lines.join('\n');
  }

  private keep(level: string, args: unknown[]): void {
    this.lines.push(`${level} ${args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? `${arg.message}\n${arg.stack}` : JSON.stringify(arg))).join(' ')}`);
  }
}
