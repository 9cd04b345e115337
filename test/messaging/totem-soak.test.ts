import { test } from 'node:test';
import { soak } from './soak.js';

const SOAK_MS = Number(process.env.QUORATE_SOAK_MS ?? 30_000);

test(`totem tcp soak: 4 processes stream for ${SOAK_MS} ms, one is SIGKILLed midway; survivors agree`, { timeout: SOAK_MS + 60_000 }, () => soak('tcp', SOAK_MS));
