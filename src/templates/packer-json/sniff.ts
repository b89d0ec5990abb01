import { closeSync, constants, openSync, readSync } from 'node:fs';
import { describeFileError } from '../../core/index.js';

const HEAD_BYTES = 8192;
const CHUNK_BYTES = 65536;
/** A template's "builders" comes after its variables; no real one has megabytes of them. */
const SNIFF_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Whether a file is a legacy template: a JSON object with a top-level "builders" key. The file is
 * scanned, not parsed, and only until the key shows up: binary files (a NUL byte in the first
 * 8 KB) and files that do not start like a JSON object are rejected at once.
 */
export function looksLikeLegacyTemplate(path: string): boolean | { reason: string } {
  let descriptor: number;
  try {
    // Non-blocking: a file swapped for a FIFO since the walk saw it must not hang the run.
    descriptor = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { reason: describeFileError(error) };
  }
  try {
    const scanner = new TopLevelKeyScanner('builders');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let position = 0; position < SNIFF_LIMIT_BYTES; ) {
      const bytesRead = readSync(descriptor, buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) return false;
      const chunk = buffer.subarray(0, bytesRead);
      if (position < HEAD_BYTES && chunk.subarray(0, HEAD_BYTES - position).includes(0)) return false;
      const verdict = scanner.feed(chunk);
      if (verdict !== undefined) return verdict;
      position += bytesRead;
    }
    return false;
  } catch (error) {
    return { reason: describeFileError(error) };
  } finally {
    closeSync(descriptor);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Follows JSON structure byte by byte (every structural character is ASCII, so UTF-8 needs no
 * decoding) and answers once a top-level key equals `key`, ignoring ASCII case as Packer's
 * decoder does, or once the top-level object ends without it.
 */
class TopLevelKeyScanner {
  private readonly key: Buffer;
  private started = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectingKey = false;
  /** While reading a top-level key: how many bytes matched so far, or -1 once it cannot match. */
  private matched = -1;
  private capturing = false;

  constructor(key: string) {
    this.key = Buffer.from(key.toLowerCase(), 'ascii');
  }

  feed(chunk: Buffer): boolean | undefined {
    for (const byte of chunk) {
      if (!this.started) {
        if (isBlankOrBom(byte)) continue;
        if (byte !== OPEN_BRACE) return false;
        this.started = true;
        this.depth = 1;
        this.expectingKey = true;
        continue;
      }
      if (this.inString) {
        if (this.readStringByte(byte)) return true;
        continue;
      }
      const verdict = this.readStructureByte(byte);
      if (verdict !== undefined) return verdict;
    }
    return undefined;
  }

  /** True when a top-level key just ended and matched. */
  private readStringByte(byte: number): boolean {
    if (this.escaped) {
      this.escaped = false;
      this.matched = -1;
      return false;
    }
    if (byte === BACKSLASH) {
      this.escaped = true;
      return false;
    }
    if (byte === QUOTE) {
      this.inString = false;
      const found = this.capturing && this.matched === this.key.length;
      this.capturing = false;
      return found;
    }
    if (this.capturing && this.matched >= 0) {
      const lower = byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
      this.matched = this.key[this.matched] === lower ? this.matched + 1 : -1;
    }
    return false;
  }

  private readStructureByte(byte: number): boolean | undefined {
    switch (byte) {
      case QUOTE:
        this.inString = true;
        this.capturing = this.depth === 1 && this.expectingKey;
        this.matched = 0;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        this.depth += 1;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        this.depth -= 1;
        if (this.depth === 0) return false;
        break;
      case COMMA:
        if (this.depth === 1) this.expectingKey = true;
        break;
      case COLON:
        if (this.depth === 1) this.expectingKey = false;
        break;
    }
    return undefined;
  }
}

function isBlankOrBom(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0xef || byte === 0xbb || byte === 0xbf;
}

