// Bounds on the shape of a tRPC request, shared by the HTTP handler and the docs.
// (The script client in server/client keeps the same number as its batch size.)

/** The most calls one batched request may carry; larger batches are refused with 400. */
export const MAX_BATCH_CALLS = 25
