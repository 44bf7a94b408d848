import { FILE_SIZE_CAPS, FileReadError, readBoundedFile } from '../files/bounded-file.reader.js';
import { UsageError } from './args.parser.js';

/**
 * Reads a PEM file named by an option, bounded like every operator-named file (regular files of at
 * most 256 KiB, so `/dev/zero` or a FIFO cannot hang the tool). A file that cannot be read is a
 * usage error naming the option, the path and the system code (`ENOENT`, `EACCES`, `EISDIR`, …).
 */
export async function readOptionFile(flag: string, path: string): Promise<string> {
  try {
    return await readBoundedFile(path, FILE_SIZE_CAPS.publicKey);
  } catch (error) {
    const detail = error instanceof FileReadError ? error.detail : 'read error';
    if (detail.startsWith('larger than')) throw new UsageError(`${flag} ${path} is ${detail}; expected a PEM key`);
    throw new UsageError(`cannot read ${flag} ${path}: ${detail}`);
  }
}
