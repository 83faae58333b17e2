-- save_call_step: what a call step leaves behind — the machine's snapshot after the step, the step's transitions
--   appended to the call's audit trail (one event per version) and the tool's answer recorded for replay — in one
--   statement. A step sends it last, together with its COMMIT (src/calls/call-registry.ts).
-- Arguments: tenant; the call's row id and the version the saving copy last saw; whether the caller holds the call's
--   lock; the snapshot, its state and whether the call is flagged for a human; the transitions as a jsonb array of
--   {type, event, before, after} (empty: the step made none, only its answer is recorded); the tool-call id (null:
--   nothing to record), the Vapi call id, the tool and its answer.
-- Outcomes: saved_version, the call's version after the save (null: the call was no longer at p_expected_version, so
--   nothing was written — another instance moved it on); recorded, the answer stored under the tool-call id (this
--   one, or the first one if the same id was answered before; null without a tool-call id).
-- Errors: with p_lock_held, a call no longer at p_expected_version raises instead: under the call's lock the version
--   was compared when the step began, so a mismatch is a broken lock, and raising turns the COMMIT sent behind this
--   statement into a rollback of the whole step.
-- Commit: synchronous (record_tool_result, not save_tool_result): the same transaction commits the step's booking,
--   code and texts.
-- Locks: the call's row.
create or replace function save_call_step(
  p_tenant           uuid,
  p_call             uuid,
  p_expected_version integer,
  p_lock_held        boolean,
  p_snapshot         jsonb,
  p_state            text,
  p_flagged          boolean,
  p_events           jsonb,
  p_tool_call_id     text,
  p_vapi_call_id     text,
  p_tool             text,
  p_response         jsonb
) returns table (saved_version integer, recorded jsonb)
language plpgsql as $$
declare
  v_steps integer := jsonb_array_length(p_events);
begin
  saved_version := p_expected_version;
  if v_steps > 0 then
    update calls c
       set snapshot = p_snapshot, state = p_state, version = c.version + v_steps,
           flagged_for_human = c.flagged_for_human or p_flagged, updated_at = now()
     where c.id = p_call and c.version = p_expected_version
    returning c.version into saved_version;
    if not found then
      if p_lock_held then
        raise exception 'call % changed under its lock (expected version %)', p_call, p_expected_version;
      end if;
      return next;
      return;
    end if;
    insert into call_events (call_id, seq, event_type, event, state_before, state_after)
    select p_call, p_expected_version + e.n::int, e.value ->> 'type', e.value -> 'event', e.value ->> 'before',
           e.value ->> 'after'
      from jsonb_array_elements(p_events) with ordinality as e(value, n);
  end if;
  if p_tool_call_id is not null then
    recorded := record_tool_result(p_tenant, p_tool_call_id, p_vapi_call_id, p_tool, p_response);
  end if;
  return next;
end $$;
