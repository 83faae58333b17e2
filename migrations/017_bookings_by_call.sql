-- A call's bookings of every status. Scoring a call's lead asks whether the call ever held a time
-- (src/db/queries/leads.ts, callFacts); the only index on the call's id covered live bookings alone, so that question
-- read every booking the clinic ever had, at the end of every call.
create index if not exists bookings_by_call on bookings (tenant_id, source_call_id) where source_call_id is not null;
