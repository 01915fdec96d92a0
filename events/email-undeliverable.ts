/**
 * "An email we sent did not reach its reader": SES publishes these for our configuration set to the default
 * event bus. A hard bounce or a complaint means a participant or senior leader is not getting their asks,
 * so the programme team must correct the address (SES already suppresses it for future sends).
 */
export const UNDELIVERABLE_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received'] as const;

export const emailUndeliverablePattern = {
  source: ['aws.ses'],
  detailType: [...UNDELIVERABLE_DETAIL_TYPES],
};
