import { Buffer } from 'node:buffer';
import { open } from 'node:fs/promises';
import { UsageError } from './args.js';

/** PEM files are a few KiB; reading stops past this, so `/dev/zero` cannot hang the tool. */
const MAX_PEM_BYTES = 256 * 1024;

/**
 * Reads a small text file named by an option. A file that cannot be read is a usage error
 * naming the option, the path and the system code (`ENOENT`, `EACCES`, `EISDIR`, …).
 */
export async function readOptionFile(flag: string, path: string): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(MAX_PEM_BYTES + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > MAX_PEM_BYTES) throw new UsageError(`${flag} ${path} is larger than ${MAX_PEM_BYTES} bytes; expected a PEM key`);
      }
      return buffer.subarray(0, length).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new UsageError(`cannot read ${flag} ${path}: ${code}`);
  }
}
