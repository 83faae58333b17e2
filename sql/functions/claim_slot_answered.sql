-- claim_slot_answered: a claim in one statement, so it costs one round trip — tenant scope, replay check, claim_slot
--   and the replay record together (sent outside any BEGIN, it is its own transaction).
-- Arguments: tenant; the tool-call id, Vapi call id and tool name the answer is recorded under (a null tool-call id:
--   no replay check and no record, as for a hold, whose call step keeps its own); the answer to record if the claim
--   creates a booking, with p_id_path naming where in it the new booking's id goes; then claim_slot's; then the
--   reminder text and instants a created confirmed booking queues (queue_reminders), or nulls.
-- Outcomes: one row. `replayed` set: this tool-call id already has an answer (nothing claimed; the row's claim
--   columns are null). Otherwise claim_slot's row; `recorded` set only with outcome 'created', and is the stored
--   answer. Every other outcome records nothing: the caller phrases and records those answers itself.
-- Locks: those of claim_slot (advisory locks on the provider-days), and the (tenant, tool_call_id) unique index.
-- Why it enters the tenant scope itself (enter_tenant_scope): sent on its own, it is its own transaction, so the
--   row-level security of migrations/007_rls.sql holds every statement below to p_tenant, exactly as withTenant
--   does for a multi-statement transaction; the scope ends with the transaction.
create or replace function claim_slot_answered(
  p_tenant        uuid,
  p_tool_call_id  text,
  p_tool          text,
  p_answer        jsonb,
  p_id_path       text[],
  p_provider      uuid,
  p_service       uuid,
  p_start         timestamptz,
  p_status        text,
  p_call_id       text,
  p_patient_phone text,
  p_patient_name  text,
  p_patient_email text default null,
  p_reminder_body text default null,
  p_reminder_times timestamptz[] default null
) returns table (
  outcome text, booking_id uuid, hold_token uuid, status text, provider_id uuid, starts_at timestamptz,
  ends_at timestamptz, expires_at timestamptz, replayed jsonb, recorded jsonb
)
language plpgsql as $$
declare
  r        claim_result;
  v_answer jsonb;
begin
  perform enter_tenant_scope(p_tenant);

  select t.response into v_answer from tool_call_results t where t.tenant_id = p_tenant and t.tool_call_id = p_tool_call_id;
  if p_tool_call_id is not null and found then
    return query select null::text, null::uuid, null::uuid, null::text, null::uuid, null::timestamptz, null::timestamptz,
                        null::timestamptz, v_answer, null::jsonb;
    return;
  end if;

  r := claim_slot(p_tenant, p_provider, p_service, p_start, p_status, p_call_id, p_patient_phone, p_patient_name,
                  p_patient_email);
  if r.outcome = 'created' and p_status = 'confirmed' and p_reminder_times is not null then
    perform queue_reminders(p_tenant, r.booking_id, p_reminder_body, p_reminder_times);
  end if;
  v_answer := null;
  if r.outcome = 'created' and p_tool_call_id is not null then
    v_answer := jsonb_set(p_answer, p_id_path, to_jsonb(r.booking_id::text));
    insert into tool_call_results (tenant_id, tool_call_id, call_id, tool, response)
    values (p_tenant, p_tool_call_id, p_call_id, p_tool, v_answer)
    on conflict do nothing;
    if not found then
      -- Another delivery of this id recorded first (it cannot have booked this start: the claim above would have
      -- answered 'existing'); its answer stands, as save_tool_result decides.
      select t.response into v_answer from tool_call_results t where t.tenant_id = p_tenant and t.tool_call_id = p_tool_call_id;
    end if;
  end if;
  return query select r.outcome, r.booking_id, r.hold_token, r.status, r.provider_id, r.starts_at, r.ends_at,
                      r.expires_at, null::jsonb, v_answer;
end $$;
