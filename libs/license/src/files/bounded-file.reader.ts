import { Buffer } from 'node:buffer';
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Size caps for the files an operator names. A PEM public key is a few KiB, a license
 * key under the verifier's 8 KiB, a config file a few KiB; the caps leave generous room and still
 * bound memory.
 */
export const FILE_SIZE_CAPS = {
  publicKey: 256 * 1024,
  keyFile: 64 * 1024,
  config: 1024 * 1024,
} as const;

/**
 * A file that could not be read. `detail` is short and safe to show: a system code (`ENOENT`,
 * `EACCES`, `EISDIR`, …), `not a regular file (FIFO)` or `larger than N bytes`.
 */
export class FileReadError extends Error {
  readonly code = 'FILE_UNREADABLE';
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`cannot read ${path}: ${detail}`);
    this.name = 'FileReadError';
  }
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it would hold one of libuv's
// four threadpool threads for good). It changes nothing for regular files. Not on Windows: 0.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * Reads a small text file named by an operator (a public key, a mounted secret, a config file):
 * opens it without blocking, refuses anything but a regular file (a FIFO, `/dev/zero`, a
 * directory, a socket) from `fstat` before reading a byte, and reads at most `maxBytes + 1` bytes,
 * so a huge or endless file fails in milliseconds with bounded memory. Symbolic links are followed
 * (Kubernetes mounts secrets through them). Throws `FileReadError`.
 */
export async function readBoundedFile(path: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw new FileReadError(path, systemCode(error));
  }
  try {
    let stats: Stats;
    try {
      stats = await handle.stat();
    } catch (error) {
      throw new FileReadError(path, systemCode(error));
    }
    if (stats.isDirectory()) throw new FileReadError(path, 'EISDIR');
    if (!stats.isFile()) throw new FileReadError(path, `not a regular file (${fileType(stats)})`);
    if (stats.size > maxBytes) throw new FileReadError(path, tooLarge(maxBytes));
    // The size can change between fstat and read (a file being written): read until end of file,
    // at most one byte more than the cap to notice, never more.
    const buffer = Buffer.allocUnsafe(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, length, buffer.length - length, length));
      } catch (error) {
        throw new FileReadError(path, systemCode(error));
      }
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new FileReadError(path, tooLarge(maxBytes));
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function tooLarge(maxBytes: number): string {
  return `larger than ${maxBytes} bytes`;
}

function systemCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // A UNIX socket cannot be opened as a file: ENXIO says little, so say what it is.
  if (code === 'ENXIO') return 'not a regular file (socket or device)';
  return typeof code === 'string' ? code : 'read error';
}

function fileType(stats: Stats): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSocket()) return 'socket';
  if (stats.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}
