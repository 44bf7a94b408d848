import { FileReadError, readBoundedFile } from '../files/bounded-file.reader.js';
import { UsageError } from './args.parser.js';

/** Reads a revocation list file (bounded, regular files only); a read failure is a usage error. */
export async function readRevocationListFile(flag: string, path: string): Promise<string> {
  // Loaded on use: help and usage errors stay fast (the verifier pulls in jose and class-validator).
  const { MAX_REVOCATION_LIST_BYTES } = await import('../revocation/revocation-list.verifier.js');
  try {
    return (await readBoundedFile(path, MAX_REVOCATION_LIST_BYTES)).trim();
  } catch (error) {
    const detail = error instanceof FileReadError ? error.detail : 'read error';
    throw new UsageError(`cannot read ${flag} ${path}: ${detail}`);
  }
}
