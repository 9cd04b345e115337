/**
 * Adapter: a client of a node's control socket (what `quorate status` and
 * the admin commands use).
 * @module
 */
import { connect } from 'node:net';
import { Ok, Err, type Result } from '../util/result.js';
import type { ControlError, ControlRequest, ControlResponse } from './protocol.js';

/**
 * Sends one request and waits (at most `timeoutMs`, default 30 s) for its
 * answer. Errors: no node listening, timeout, or the node's refusal.
 */
export function controlRequest(path: string, req: ControlRequest, timeoutMs = 30_000): Promise<Result<unknown, ControlError>> {
  return new Promise(resolve => {
    const s = connect(path);
    s.setEncoding('utf8');
    let buf = '';
    let settled = false;
    const finish = (r: Result<unknown, ControlError>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish(Err({ code: 'QUORATE_ERR_TIMEOUT', message: `no answer from ${path} within ${timeoutMs} ms` })), timeoutMs);
    s.once('connect', () => s.write(JSON.stringify(req) + '\n'));
    s.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let resp: ControlResponse;
      try { resp = JSON.parse(buf.slice(0, nl)) as ControlResponse; } catch {
        finish(Err({ code: 'QUORATE_ERR_CONTROL_REQUEST', message: `unreadable answer from ${path}` }));
        return;
      }
      finish(resp.ok ? Ok(resp.result) : Err(resp.error));
    });
    s.once('error', e => finish(Err({ code: 'QUORATE_ERR_CONTROL_IO', message: `cannot reach a node at ${path}: ${e.message}` })));
    s.once('close', () => finish(Err({ code: 'QUORATE_ERR_CONTROL_IO', message: `${path} closed the connection without an answer` })));
  });
}
