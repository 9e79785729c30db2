/**
 * Hostile model files for the robust-* tests: strings that try to drive a terminal or fake output lines, and the
 * tiny TFLite writer of test/helpers/tflite-tiny.ts.
 */

/**
 * Every kind of character a name must not print raw: clear screen (CSI 2J), a window title (OSC 0 … BEL), an
 * OSC 8 hyperlink, CR, BS, NUL, a C1 CSI, DEL, a line separator, a right-to-left override (U+202E), a
 * right-to-left isolate (U+2067), zero-width space and joiner, BOM — and a newline followed by a fake output line.
 */
export const TERMINAL_ATTACK =
  '\u001b[2J\u001b]0;pwned\u0007\u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\\r\b\u0000\u009b31m\u007f\u2028\u202eexe.txt\u2067x\u200b\u200d\ufeff\nFAKE: all targets fit';

/** The characters `TERMINAL_ATTACK` uses that must never reach stdout/stderr raw (newline aside: it is checked by line). */
export const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

export { buildTflite, type TinyTflite } from './helpers/tflite-tiny.ts';
