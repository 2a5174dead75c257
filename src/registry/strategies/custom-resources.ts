// Custom resources (apiextensions-apiserver's customresource strategy): generation starts at 1
// and moves with every change outside metadata and status; with a status subresource the main
// endpoint keeps the stored status (the generic store does that for any kind with /status).
import type { Strategy } from '../strategy.js';

export const customResourceStrategy: Strategy = {
  tracksGeneration: true,
  // A real cluster keeps the status sent on create when the CRD has no status subresource; the
  // store clears it only for kinds that have one.
  keepStatusOnCreate: false,
  // …and removes it (the customresource strategy deletes the key) rather than storing `status: {}`.
  dropStatusOnCreate: true,
};
