import { test } from 'node:test';
import { soak } from './soak.js';

// The 30 s, as the totem soak (the file takes ~35 s; QUORATE_UDP_SOAK_MS overrides it).
const SOAK_MS = Number(process.env.QUORATE_UDP_SOAK_MS ?? 30_000);

test(`udp unicast soak: 4 processes stream for ${SOAK_MS} ms, one is SIGKILLed midway; survivors agree`, { timeout: SOAK_MS + 60_000 }, () => soak('udp', SOAK_MS));
