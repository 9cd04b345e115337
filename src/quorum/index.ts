export {
  initVotequorum,
  votequorumStep,
  votequorumRun,
  quorumFor,
  simpleMajority,
  type VotequorumConfig,
  type VotequorumNodeConfig,
  type TieBreakerNode,
  type QuorumConfigError,
  type QuorumStatus,
  type VotequorumState,
  type VotequorumEvent,
  type VotequorumOutput,
  type VotequorumTimer,
} from './votequorum.js';
export { QuorumTracker, type QuorumTrackerEvents } from './QuorumTracker.js';
