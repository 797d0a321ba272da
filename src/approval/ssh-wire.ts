/**
 * A reader of the SSH wire encoding (RFC 4251 section 5): big-endian uint32 and
 * length-prefixed strings. Every read checks its bounds, so a truncated or padded blob is an
 * error, never a read past the end.
 */
export class SshWireReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  /** Takes `length` raw bytes. */
  raw(length: number): Buffer {
    if (length < 0 || this.offset + length > this.bytes.length) throw new SshWireError("truncated");
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  uint32(): number {
    return this.raw(4).readUInt32BE(0);
  }

  /** A length-prefixed byte string. */
  string(): Buffer {
    return this.raw(this.uint32());
  }

  /** A length-prefixed string that must be UTF-8 text. */
  text(): string {
    const bytes = this.string();
    const text = bytes.toString("utf8");
    if (!Buffer.from(text, "utf8").equals(bytes)) throw new SshWireError("a name is not UTF-8");
    return text;
  }

  /** An mpint (RFC 4251), as unsigned big-endian bytes without leading zeros; negatives refused. */
  mpint(): Buffer {
    const bytes = this.string();
    if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) throw new SshWireError("a negative integer");
    let start = 0;
    while (start < bytes.length && bytes[start] === 0) start += 1;
    return bytes.subarray(start);
  }

  /** Fails unless every byte was read: trailing bytes would be data nobody checked. */
  end(): void {
    if (this.offset !== this.bytes.length) throw new SshWireError("trailing bytes");
  }
}

/** A blob that is not what the SSH wire encoding says it is. */
export class SshWireError extends Error {}

/** Encodes a length-prefixed string. */
export function sshString(bytes: Buffer | string): Buffer {
  const body = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}
