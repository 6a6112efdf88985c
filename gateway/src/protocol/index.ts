/**
 * The softphone ⇄ gateway protocol: the views of the state (views.ts) and the frames (messages.ts). Zod only,
 * no behaviour: the agent service builds these shapes, the edge validates and sends them, and the softphone's
 * protocol module is checked against them by a contract test.
 */
export * from './views.js';
export * from './messages.js';
