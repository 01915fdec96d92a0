/**
 * How long a retried send or a re-posted form is recognised as the same one. One value for every use,
 * because Powertools allows one configuration per persistence layer (the table).
 */
export const IDEMPOTENCY_WINDOW_SECONDS = 7 * 86_400;
