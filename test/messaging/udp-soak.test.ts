import { test } from 'node:test';
import { soak } from './soak.js';

// Shorter than the totem soak (which has the 30 s) to keep the file near 30 s.
const SOAK_MS = Number(process.env.QUORATE_UDP_SOAK_MS ?? 16_000);
// Known failure (issue 7): under sustained streaming from 4 processes the UDP
// heartbeat transport stalls at the sequencer window (512) and splits into
// views that never merge again, so survivors never agree after the kill.
// Run it with QUORATE_UDP_SOAK=1 once that is fixed, then drop the skip.
const skip = process.env.QUORATE_UDP_SOAK === '1' ? false : 'known failure: udp heartbeat splits under sustained streaming (QUORATE_UDP_SOAK=1 runs it)';

test(`udp unicast soak: 4 processes stream for ${SOAK_MS} ms, one is SIGKILLed midway; survivors agree`, { skip, timeout: SOAK_MS + 60_000 }, () => soak('udp', SOAK_MS));
