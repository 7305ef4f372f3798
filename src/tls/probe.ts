/**
 * @module Read a PostgreSQL server's certificate the way a client meets it: PostgreSQL's SSLRequest on
 * a plain TCP connection, then a TLS handshake on the same socket. Nothing is verified (we only read,
 * so an expired or untrusted certificate is still shown) and no startup packet is ever sent, so no
 * role, password or privilege is involved.
 */
import { connect as connectTcp, isIP } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";
import type { X509Certificate } from "node:crypto";

export interface TlsProbeOptions {
  readonly host: string;
  readonly port: number;
  /** The name to send as SNI; defaults to host unless it is an address. */
  readonly servername?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

export type TlsProbeResult =
  /** The server answered `N`: it has ssl = off. */
  | { readonly offered: false }
  | { readonly offered: true; readonly protocol: string | null; readonly cipher: string | null; readonly certificate: X509Certificate };

/** Int32 length 8, then PostgreSQL's SSLRequest code 80877103 (1234 << 16 | 5679). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
const DEFAULT_TIMEOUT_MS = 10_000;

export function probeServerTls(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const endpoint = `${isIP(options.host) === 6 ? `[${options.host}]` : options.host}:${options.port}`;
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: options.host, port: options.port });
    let tlsSocket: TLSSocket | undefined;
    const finish = (error: Error | undefined, result?: TlsProbeResult) => {
      clearTimeout(timer);
      tlsSocket?.destroy();
      socket.destroy();
      if (error) reject(error);
      else if (result) resolve(result);
    };
    const timer = setTimeout(() => finish(new Error(`no TLS answer from ${endpoint} within ${timeoutMs / 1000} s`)), timeoutMs);
    socket.once("error", (error) => finish(new Error(`cannot reach ${endpoint}: ${error.message}`)));
    socket.once("connect", () => socket.write(SSL_REQUEST));
    socket.once("data", (answer) => {
      const code = String.fromCharCode(answer[0] ?? 0);
      if (code === "N") return finish(undefined, { offered: false });
      if (code !== "S") return finish(new Error(`${endpoint} did not answer PostgreSQL's SSLRequest (got ${JSON.stringify(code)}): is it a PostgreSQL server?`));
      const servername = options.servername ?? (isIP(options.host) ? undefined : options.host);
      // rejectUnauthorized false: we read the certificate, we do not trust it with anything.
      tlsSocket = connectTls({ socket, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
      tlsSocket.once("error", (error) => finish(new Error(`TLS handshake with ${endpoint} failed: ${error.message}`)));
      tlsSocket.once("secureConnect", () => {
        const peer = tlsSocket?.getPeerX509Certificate();
        if (!peer) return finish(new Error(`${endpoint} sent no certificate`));
        finish(undefined, { offered: true, protocol: tlsSocket?.getProtocol() ?? null, cipher: tlsSocket?.getCipher()?.name ?? null, certificate: peer });
      });
    });
  });
}
