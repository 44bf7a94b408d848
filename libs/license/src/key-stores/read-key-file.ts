import { Buffer } from 'node:buffer';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** A license key is ~600 characters; a little over the verifier's 8 KiB cap bounds the memory. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export type KeyFileRead = { ok: true; text: string } | { ok: false; code: string };

/**
 * Reads a key file: a regular file only (a FIFO or `/dev/zero` is refused at once, never a hang),
 * at most `MAX_KEY_FILE_BYTES`, trimmed. `ENOENT` and friends come back as their code.
 */
export async function readKeyFile(path: string): Promise<KeyFileRead> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? 'read error' };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, code: 'not a regular file' };
    if (stat.size > MAX_KEY_FILE_BYTES) return { ok: false, code: `larger than ${MAX_KEY_FILE_BYTES} bytes` };
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_KEY_FILE_BYTES) return { ok: false, code: `larger than ${MAX_KEY_FILE_BYTES} bytes` };
    }
    return { ok: true, text: buffer.subarray(0, length).toString('utf8').trim() };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? 'read error' };
  } finally {
    await handle.close();
  }
}
