-- A pending text is due once both its retry time (next_attempt_at) and its moment (send_after: a reminder's, an
-- offer's) have come. The old index knew the retry time only, which a reminder gets when it is queued, so every
-- dispatcher pass read every reminder still waiting for its day (two per future appointment), and the oldest-pending
-- gauge counted those as late. Keyed on the moment first: a pass reads only what is due, or nearly.
drop index if exists sms_outbox_due;
create index sms_outbox_due on sms_outbox (coalesce(send_after, '-infinity'::timestamptz), next_attempt_at)
  where status = 'pending';
