/**
 * Spawns totemNode.js fixture processes and collects what they print.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NodeAddress } from '../../src/messaging/socket/nodes.js';

export const NODE_FIXTURE = fileURLToPath(new URL('./fixtures/totemNode.js', import.meta.url));

export interface ViewLine { readonly rep: string; readonly seq: number; readonly members: string[] }
export interface MsgLine { readonly from: string; readonly p: { n: number } }

/** One child node and everything it printed. */
export class NodeProc {
  readonly views: ViewLine[] = [];
  readonly msgs: MsgLine[] = [];
  /** Deliveries and views in the order they happened. */
  readonly events: string[] = [];
  readonly errors: string[] = [];
  sent: number | undefined;
  ready = false;
  exited = false;
  readonly child: ChildProcess;

  constructor(readonly name: string, cmd: string, args: string[]) {
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('exit', () => {
      this.exited = true;
    });
    this.child.stdin!.on('error', () => undefined);
    this.child.stderr!.on('data', (d: Buffer) => this.errors.push(d.toString()));
    createInterface({ input: this.child.stdout! }).on('line', line => {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.errors.push(`bad line: ${line}`);
        return;
      }
      if (o.ev === 'ready') this.ready = true;
      else if (o.ev === 'view') {
        const v = o as unknown as ViewLine;
        this.views.push(v);
        this.events.push(`view ${v.rep}/${v.seq} ${v.members.join(',')}`);
      } else if (o.ev === 'msg') {
        const m = o as unknown as MsgLine;
        this.msgs.push(m);
        this.events.push(`${m.from}#${m.p.n}`);
      } else if (o.ev === 'sent') this.sent = o.n as number;
      else if (o.ev === 'error') this.errors.push(String(o.message));
    });
  }

  view(): ViewLine | undefined {
    return this.views[this.views.length - 1];
  }

  command(c: Record<string, unknown>): void {
    if (!this.exited) this.child.stdin!.write(JSON.stringify(c) + '\n');
  }

  /** Ends the process: a graceful exit, then SIGKILL if it lingers. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.command({ cmd: 'exit' });
    const done = new Promise<void>(r => this.child.once('exit', () => r()));
    const t = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await done;
    clearTimeout(t);
  }
}

/** Starts node `id` of `nodes`; `prefix` runs it under another command (e.g. `ip netns exec ns`). */
export function startNode(
  id: number, nodes: NodeAddress[], keyHex: string, timers: Record<string, number>,
  prefix: string[] = [], allowIfaces: string[] = [], transport: 'tcp' | 'udp' = 'tcp',
): NodeProc {
  const cfg = JSON.stringify({ nodeId: id, nodes, keyHex, timers, allowIfaces, transport });
  const args = [...prefix, process.execPath, NODE_FIXTURE, cfg];
  return new NodeProc(nodes.find(n => n.id === id)!.name, args[0]!, args.slice(1));
}

/** True when every node's last view has exactly `members` and one ring id. */
export function agreed(ps: NodeProc[], members: string[]): boolean {
  const vs = ps.map(p => p.view());
  const f = vs[0];
  return !!f && vs.every(v => v && v.members.join() === members.join() && v.seq === f.seq && v.rep === f.rep);
}
