export { type Clock, type TimerHandle, SystemClock, VirtualClock } from './clock.js';
export { type Rng, SeededRng } from './rng.js';
export { type Result, type OkResult, type ErrResult, Ok, Err, collect, type QuorateErrorShape } from './result.js';
export { type Logger, logger } from './log.js';
