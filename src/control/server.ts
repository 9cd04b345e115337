/**
 * Adapter: the control socket server of a running node. A unix socket
 * (mode 0600: only the node's user may drive it) speaking JSON lines; each
 * request goes to a handler and its answer is written back as one line.
 * @module
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { chmodSync, unlinkSync, existsSync } from 'node:fs';
import { Ok, Err, type Result } from '../util/result.js';
import { logger } from '../util/log.js';
import { asControlRequest, type ControlError, type ControlRequest, type ControlResponse } from './protocol.js';

const log = logger('control');

/** Largest request line, in characters. */
const MAX_LINE_CHARS = 64 * 1024;

/** Answers one request. */
export type ControlHandler = (req: ControlRequest) => Promise<ControlResponse>;

/** A listening control socket. */
export class ControlServer {
  private readonly clients = new Set<Socket>();

  private constructor(readonly path: string, private readonly server: Server, private readonly handler: ControlHandler) {
    server.on('connection', s => this.serve(s));
  }

  /**
   * Listens on `path`. A stale socket file left by a dead node is replaced;
   * one that a live node still answers on is an error.
   */
  static async listen(path: string, handler: ControlHandler): Promise<Result<ControlServer, ControlError>> {
    if (existsSync(path)) {
      if (await answers(path)) return Err({ code: 'QUORATE_ERR_CONTROL_IN_USE', message: `control socket ${path} is in use by a running node` });
      try { unlinkSync(path); } catch (e) {
        return Err({ code: 'QUORATE_ERR_CONTROL_IO', message: `cannot remove stale control socket ${path}: ${(e as Error).message}` });
      }
    }
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => { server.off('error', reject); resolve(); });
      });
      chmodSync(path, 0o600);
    } catch (e) {
      server.close();
      return Err({ code: 'QUORATE_ERR_CONTROL_IO', message: `cannot listen on control socket ${path}: ${(e as Error).message}` });
    }
    return Ok(new ControlServer(path, server, handler));
  }

  private serve(s: Socket): void {
    this.clients.add(s);
    s.setEncoding('utf8');
    let buf = '';
    // Answers go out in request order even when handlers finish out of order.
    let chain: Promise<void> = Promise.resolve();
    s.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === '') continue;
        chain = chain.then(() => this.answer(line)).then(resp => { if (!s.destroyed) s.write(JSON.stringify(resp) + '\n'); });
      }
      if (buf.length > MAX_LINE_CHARS) {
        s.end(JSON.stringify({ ok: false, error: { code: 'QUORATE_ERR_CONTROL_REQUEST', message: `request line longer than ${MAX_LINE_CHARS} characters` } }) + '\n');
        buf = '';
      }
    });
    s.on('error', e => log('control client error: %s', e.message));
    s.on('close', () => this.clients.delete(s));
  }

  private async answer(line: string): Promise<ControlResponse> {
    let parsed: unknown;
    try { parsed = JSON.parse(line); } catch {
      return { ok: false, error: { code: 'QUORATE_ERR_CONTROL_REQUEST', message: 'request is not valid JSON' } };
    }
    const req = asControlRequest(parsed);
    if (typeof req === 'string') return { ok: false, error: { code: 'QUORATE_ERR_CONTROL_REQUEST', message: req } };
    try {
      return await this.handler(req);
    } catch (e) {
      // A bug in a handler: report it instead of dropping the connection.
      return { ok: false, error: { code: 'QUORATE_ERR_INTERNAL', message: (e as Error).message } };
    }
  }

  /** Stops listening, closes clients and removes the socket file. */
  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>(r => this.server.close(() => r()));
    try { unlinkSync(this.path); } catch { /* already gone */ }
  }
}

function answers(path: string): Promise<boolean> {
  return new Promise(resolve => {
    const s = connect(path);
    const done = (v: boolean): void => { s.destroy(); resolve(v); };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
