-- A call's report columns hold what a call can be: a duration between 0 and one day (Vapi caps calls at 12 hours;
-- numeric(10,3) would take 115 days of anything), a cost that is not negative. src/vapi/call-report.ts keeps values
-- outside these out of the columns (they stay in the raw report); the constraints are the last line. Earlier code
-- stored endedAt − startedAt even when the call ended before it started: those durations were never true.
update calls set duration_seconds = null where duration_seconds < 0 or duration_seconds > 86400;
update calls set cost = null where cost < 0;
alter table calls
  add constraint calls_duration_sane check (duration_seconds between 0 and 86400),
  add constraint calls_cost_sane check (cost >= 0);
