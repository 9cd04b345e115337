/**
 * The local control socket of a running node: protocol, server, client.
 * @module
 */
export { asControlRequest, defaultControlPath, CONTROL_COMMANDS, type ControlRequest, type ControlResponse, type ControlError } from './protocol.js';
export { ControlServer, type ControlHandler } from './server.js';
export { controlRequest } from './client.js';
