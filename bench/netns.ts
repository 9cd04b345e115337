/**
 * Network namespaces joined by one bridge: the setup shared by the namespace
 * benchmarks and the partition tests (root only; addresses stay inside them).
 * @module
 */

/** Runs `ip` with these arguments, throwing on failure. */
export type IpRunner = (...args: string[]) => void;

/**
 * Creates namespace `br` holding bridge `br0`, and one namespace per entry of `nodes`
 * with lo up and a veth `iface` carrying `addrs[i]/24`, plugged into the bridge as
 * `v<i+1>` (so taking `v<i+1>` down cuts node i off).
 */
export function bridgeNamespaces(ip: IpRunner, br: string, nodes: readonly string[], addrs: readonly string[], iface = 'qv0'): void {
  ip('netns', 'add', br);
  ip('-n', br, 'link', 'set', 'lo', 'up');
  ip('-n', br, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', br, 'link', 'set', 'br0', 'up');
  for (const [i, ns] of nodes.entries()) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', br, 'link', 'add', `v${i + 1}`, 'type', 'veth', 'peer', 'name', iface, 'netns', ns);
    ip('-n', br, 'link', 'set', `v${i + 1}`, 'master', 'br0');
    ip('-n', br, 'link', 'set', `v${i + 1}`, 'up');
    ip('-n', ns, 'addr', 'add', `${addrs[i]}/24`, 'dev', iface);
    ip('-n', ns, 'link', 'set', iface, 'up');
  }
}
