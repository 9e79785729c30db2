/**
 * The one read-until-done loop over a file descriptor (readSync may return fewer bytes than asked for):
 * the model loader, the ONNX window reader, lazy payloads and external data all read through it, each
 * with its own message when the file ends first.
 */
import { readSync } from 'node:fs';

/**
 * Reads `length` bytes at file offset `position` into `into` from index `offset`. Returns how many bytes
 * were read: `length`, or fewer when the file ended first (the caller says what that means).
 */
export function readFully(fd: number, into: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const got = readSync(fd, into, offset + done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}
