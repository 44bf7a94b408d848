import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HttpStatus, Inject, Injectable, InternalServerErrorException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FileReadError } from '@liberty/license/verify';
import { stringify } from 'smol-toml';
import { APP_CONFIG_NAMESPACE, APP_CONFIG_PATH } from './app-config.constants.js';
import { AppConfigError, parseToml, readConfigText, validateAppConfig, type AppConfig } from './app-config.loader.js';

/** A config file problem while running: 500 with a code and what to do; nothing was changed. */
export class ConfigFileException extends InternalServerErrorException {
  constructor(code: 'CONFIG_UNREADABLE' | 'CONFIG_MALFORMED' | 'CONFIG_WRITE_FAILED', message: string) {
    super({ statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code, message: `${message}; nothing was changed` });
  }
}

/**
 * The app.toml in use: its validated content (loaded at startup through `ConfigService`) and
 * atomic edits. An edit re-reads the file (so hand edits made meanwhile are kept), changes only the
 * keys it means to, writes a temp file in the same directory and renames it over the original.
 * Re-serialising drops comments, except the file's leading comment block. Edits run one at a time.
 */
@Injectable()
export class AppConfigStore {
  private current: AppConfig;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG_PATH) readonly path: string,
    private readonly configService: ConfigService,
  ) {
    this.current = configService.getOrThrow<AppConfig>(APP_CONFIG_NAMESPACE);
  }

  get config(): AppConfig {
    return this.current;
  }

  /**
   * Applies `edit` to the file's document (given with the config the file holds now, so that an
   * edit merges into what is stored rather than into what its caller saw) and writes it, then runs
   * `apply` with the new config. When `edit` throws nothing is written; when `apply` throws, the
   * previous file content is written back. Either error is rethrown.
   */
  update<T>(
    edit: (doc: Record<string, unknown>, current: AppConfig) => void | Promise<void>,
    apply: (next: AppConfig) => T | Promise<T>,
  ): Promise<T> {
    const run = this.queue.then(async () => {
      const before = await this.read();
      const { doc, config } = this.parse(before);
      await edit(doc, config);
      const next = this.validate(doc);
      await this.write(headerComments(before) + stringify(doc));
      let result: T;
      try {
        result = await apply(next);
      } catch (error) {
        await this.write(before).catch(() => undefined);
        throw error;
      }
      this.current = next;
      this.configService.set(APP_CONFIG_NAMESPACE, next);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<string> {
    try {
      return await readConfigText(this.path);
    } catch (error) {
      const detail = error instanceof FileReadError ? error.detail : errorCode(error);
      throw new ConfigFileException('CONFIG_UNREADABLE', `cannot read ${this.path} (${detail})`);
    }
  }

  /** Parses and checks the file as it is on disk now (it may have been edited by hand). */
  private parse(text: string): { doc: Record<string, unknown>; config: AppConfig } {
    const doc = this.malformedOnError(() => parseToml(this.path, text));
    return { doc, config: this.validate(doc) };
  }

  private validate(doc: Record<string, unknown>): AppConfig {
    return this.malformedOnError(() => validateAppConfig(doc, this.path));
  }

  private malformedOnError<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (error instanceof AppConfigError) {
        throw new ConfigFileException('CONFIG_MALFORMED', `${error.message}. Fix the file`);
      }
      throw error;
    }
  }

  /** Temp file in the same directory (same file system), fsync, rename over the original. */
  private async write(text: string): Promise<void> {
    const temp = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const mode = (await stat(this.path).catch(() => undefined))?.mode ?? 0o644;
      const handle = await open(temp, 'wx', mode & 0o777);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw new ConfigFileException('CONFIG_WRITE_FAILED', `cannot write ${this.path} (${errorCode(error)})`);
    }
  }
}

/** The comment lines (and blank lines) at the top of the file, kept across rewrites. */
function headerComments(text: string): string {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() !== '' && !line.trim().startsWith('#')) break;
    lines.push(line);
  }
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.length > 0 ? `${lines.join('\n')}\n\n` : '';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? 'I/O error';
}
