import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { decryptStream, encryptStream, keyFromText, loadKeyFile, type EncryptionKey } from "../../src/backup/crypto.js";

const CHUNK = 64;
const key = keyFromText(randomBytes(32).toString("hex"), "test");
const otherKey = keyFromText(randomBytes(32).toString("base64"), "other");

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Feeds the input in uneven pieces, as a pipe would. */
function source(data: Buffer): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7) % 97 || 1) pieces.push(data.subarray(at, at + size));
  return Readable.from(pieces);
}

const encrypt = (data: Buffer, k: EncryptionKey = key): Promise<Buffer> => collect(source(data).pipe(encryptStream(k, CHUNK)));
const decrypt = (data: Buffer, k: EncryptionKey = key): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const out = decryptStream(k);
    out.on("error", reject);
    collect(source(data).pipe(out)).then(resolve, reject);
  });

describe("pgready-chunked/v1 encryption", () => {
  it("round-trips every size around the chunk boundaries, empty included", async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 17]) {
      const plain = randomBytes(size);
      const sealed = await encrypt(plain);
      assert.equal(sealed.length, 52 + size + 16 * Math.max(1, Math.ceil(size / CHUNK)), `size ${size}`);
      assert.deepEqual(await decrypt(sealed), plain, `size ${size}`);
    }
  });

  it("never repeats ciphertext for the same input (a random salt per file)", async () => {
    const plain = randomBytes(200);
    assert.notDeepEqual(await encrypt(plain), await encrypt(plain));
  });

  it("rejects a flipped byte, naming the chunk", async () => {
    const sealed = await encrypt(randomBytes(5 * CHUNK));
    const at = 52 + 2 * (CHUNK + 16) + 3;
    sealed.writeUInt8(sealed.readUInt8(at) ^ 0x01, at);
    await assert.rejects(decrypt(sealed), /authentication failed at chunk 2/);
  });

  it("rejects truncation at a chunk boundary, mid-chunk and in the header, and appended data", async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK + 5));
    await assert.rejects(decrypt(sealed.subarray(0, 52 + 2 * (CHUNK + 16))), /authentication failed at chunk 1/);
    await assert.rejects(decrypt(sealed.subarray(0, sealed.length - 7)), /truncated: chunk 3 is incomplete/);
    await assert.rejects(decrypt(sealed.subarray(0, sealed.length - 2)), /authentication failed at chunk 3/);
    await assert.rejects(decrypt(sealed.subarray(0, 30)), /header is incomplete/);
    await assert.rejects(decrypt(Buffer.concat([sealed, Buffer.alloc(CHUNK + 16)])), /authentication failed/);
  });

  it("rejects swapped chunks", async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK + 5));
    const record = CHUNK + 16;
    const swapped = Buffer.concat([sealed.subarray(0, 52), sealed.subarray(52 + record, 52 + 2 * record), sealed.subarray(52, 52 + record), sealed.subarray(52 + 2 * record)]);
    await assert.rejects(decrypt(swapped), /authentication failed at chunk 0/);
  });

  it("names both keys when the wrong one is given", async () => {
    const sealed = await encrypt(randomBytes(10));
    await assert.rejects(decrypt(sealed, otherKey), (error: Error) => error.message.includes(key.id) && error.message.includes(otherKey.id));
    await assert.rejects(decrypt(Buffer.from("not encrypted at all, just some text here and more text to be long")), /bad magic/);
  });
});

describe("encryption key files", () => {
  it("accepts 32 raw bytes, 64 hex digits and base64, all naming the same key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgready-keys-"));
    const raw = randomBytes(32);
    const forms = { raw, hex: `${raw.toString("hex")}\n`, b64: raw.toString("base64") };
    const ids = new Set<string>();
    for (const [name, content] of Object.entries(forms)) {
      const file = join(dir, name);
      writeFileSync(file, content, { mode: 0o600 });
      const loaded = await loadKeyFile(file);
      assert.deepEqual(loaded.key, raw);
      assert.deepEqual(loaded.warnings, []);
      ids.add(loaded.id);
    }
    assert.equal(ids.size, 1);
    assert.match([...ids][0] ?? "", /^[0-9a-f]{16}$/);
  });

  it("refuses a short key with the command that makes a good one, and warns about a readable file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pgready-keys-"));
    const short = join(dir, "short");
    writeFileSync(short, "abc123");
    await assert.rejects(loadKeyFile(short), (error: Error & { hint?: string }) => /32 bytes/.test(error.message) && /openssl rand -hex 32/.test(error.hint ?? ""));
    await assert.rejects(loadKeyFile(join(dir, "missing")), /cannot read the encryption key file: ENOENT/);
    const open = join(dir, "open");
    writeFileSync(open, randomBytes(32).toString("hex"));
    chmodSync(open, 0o644);
    assert.match((await loadKeyFile(open)).warnings[0] ?? "", /readable by other users \(mode 644\)/);
  });
});
